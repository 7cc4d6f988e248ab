"""The charts of the board dashboard and the annual report, built from the report's plain
sections, so the page, the PDF (SVG) and the Word document (PNG) show the same charts."""

from django.utils.translation import gettext as _

from spending.charts import budget_spending_chart, spending_chart
from units.charts import allocation_chart, split_chart
from voting.charts import result_chart


def money_chart(money):
    """The board dashboard: each school's budget, planned and actual spending (MoneyTotals)."""
    rows = [(row.school.name, row.budget, row.planned, row.actual) for row in money.rows]
    return budget_spending_chart(rows, _("Budget, planned and actual spending per school"))


def board_allocation_chart(board):
    """Section a of the board report: the board's funds over its schools (a BoardReport), or
    None when the distribution is not recorded."""
    schools = [(row.school_name, row.share) for row in board.rows if row.share is not None]
    if board.board_total is None or not schools:
        return None
    return allocation_chart(schools, board.board_office)


def board_chart(board):
    """Section a of the board report: the same per school (a BoardReport), or None."""
    rows = [(row.school_name, row.school_budget, row.planned, row.actual) for row in board.rows]
    if not rows:
        return None
    return budget_spending_chart(rows, _("Budget, planned and actual spending per school"))


def split_section_chart(split):
    """Section a: the school budget over the units (a SplitSection), or None when there is no
    split or its amounts follow from the school plan."""
    if split is None or all(unit.amount is None for unit in split.units):
        return None
    return split_chart([(unit.unit, unit.amount) for unit in split.units], split.reserve)


def vote_chart(process):
    """Section b: the last closed round of the staff vote (a ProcessSection), or None."""
    votes = [vote for vote in process.votes if vote.cast] if process else []
    if not votes:
        return None
    vote = votes[-1]
    title = _("The votes cast in round %(round)s") % {"round": vote.round}
    return result_chart(yes=vote.yes, no=vote.no, abstain=vote.abstain, title=title)


def categories_chart(goals):
    """Section c: planned and actual spending per category (a GoalsSection), or None."""
    if goals is None or not goals.categories:
        return None
    rows = [(category.label, category.planned, category.actual) for category in goals.categories]
    return spending_chart(rows, _("Planned and actual spending per category"))


def school_chart(report, section: str):
    """The chart of a school report's section "a", "b" or "c" (None where there is none)."""
    if section == "a":
        return split_section_chart(report.amounts.split) if report.process_id else None
    if section == "b":
        return vote_chart(report.process)
    return categories_chart(report.goals)
