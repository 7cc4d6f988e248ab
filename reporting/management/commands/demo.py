from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.demo import DEMO_PASSWORD, DOMAIN, demo_load
from plans.demo_ideas import demo_ideas
from plans.demo_plans import demo_plans
from reporting.demo import demo_factsheet
from schoolplans.demo import demo_concerns, demo_evaluation, demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from units.demo import demo_meeting
from voting.demo import demo_vote


class Command(BaseCommand):
    help = "Load the demo board, schools, staff and process (idempotent; development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo accounts have a published password: load them only with DEBUG on."
            )
        result = demo_load()
        vote = demo_vote(result["process"], result["users"])
        demo_ideas(result["process"], result["users"])
        demo_meeting(result["process"], result["users"])
        plans_process = demo_plans(result)
        ratified = demo_ratified(result)
        demo_evaluation(ratified)
        demo_spending(ratified)
        demo_concerns(ratified)
        demo_survey(ratified)
        demo_factsheet(plans_process)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {result['board']}, process {result['process']} "
                f"({result['staff_added']} staff added)."
            )
        )
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000 as directeur@{DOMAIN}, pmr@{DOMAIN}, "
            f"docent@{DOMAIN}, bestuur@{DOMAIN} or admin@{DOMAIN} "
            f"(password {DEMO_PASSWORD}), or ask for a sign-in code: it is printed here."
        )
        self.stdout.write(
            f"{plans_process.school} is at step 8, the unit plans: sign in as "
            f"directeur.baken@{DOMAIN} (director), pmr.baken@{DOMAIN} (PMR, coordinator of a "
            f"unit that approved its plan by vote), docent.baken@{DOMAIN} (coordinator of a plan "
            f"still being written) or oop.baken@{DOMAIN} (coordinator of the support staff)."
        )
        self.stdout.write(
            f"Last year it ratified its plan: directeur.baken@{DOMAIN} and pmr.baken@{DOMAIN} "
            f"see the ratified school plan for {ratified.school_year} with its decision list, "
            f"its evaluation (outcome per measure, shared with the staff), "
            f"this year's factsheet prefilled from it (step 1), "
            f"what was spent, the workload survey's results and an answered meldpunt report; "
            f"export that process with manage.py export_process --school "
            f"{ratified.school.brin} --year {ratified.school_year} --out archive.json."
        )
        if vote is not None:
            self.stdout.write(
                f"The staff vote is open until {vote.closes_at:%Y-%m-%d %H:%M}: docent@{DOMAIN} "
                "has not voted yet (the worker prints the invitation with the personal link)."
            )
