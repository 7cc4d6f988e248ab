"""Who may do what with the workload survey (loaded by rules' autodiscovery).

The director and the PMR prepare, send and close the survey; everyone in the school (staff,
steering group, director, PMR) sees the results. Objects: a Process, Questionnaire or
SurveyRound (each leads to its school through ``process``).
"""

import rules

from processes.predicates import is_director, is_pmr_member, is_school_staff, is_steering_member

rules.add_perm("surveys.manage_survey", is_director | is_pmr_member)
rules.add_perm(
    "surveys.view_results", is_director | is_pmr_member | is_steering_member | is_school_staff
)
