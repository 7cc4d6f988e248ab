"""The vote's charts (werkdruk.charts): turnout per unit while and after voting, and the result
as one bar of the votes cast. Only what the page already shows: units under 5 voters stay
hidden (selectors.vote_turnout)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from werkdruk.charts import HATCHED, LIGHT, SOLID, Row, Series, bar_chart, share_bar


def turnout_chart(turnout):
    """The total and each unit shown, in percent of its voters on the roll (0-100)."""
    rows = [
        Row(
            label,
            [row.percentage],
            [
                _("%(voted)s of %(eligible)s (%(percentage)s%%)")
                % {
                    "voted": row.voted,
                    "eligible": row.eligible,
                    "percentage": number_format(row.percentage, 1),
                }
            ],
            style=style,
        )
        for label, row, style in [(_("All voters"), turnout.total, LIGHT)]
        + [(row.label, row, None) for row in turnout.units]
    ]
    return bar_chart(_("Turnout per unit"), rows, [Series(_("Turnout"))], scale=Decimal(100))


def result_chart(*, yes, no, abstain, title=None):
    """The votes cast: for (solid), against (hatched), abstained (light)."""
    return share_bar(
        title or _("The votes cast"),
        [(_("Yes"), yes, SOLID), (_("No"), no, HATCHED), (_("Abstain"), abstain, LIGHT)],
    )
