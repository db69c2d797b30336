"""Reads for the results page: a stored result told in plain words, a chart's rows, the
comparison of greedy and MES, and one voter's share explained to them (and only to them).

Every amount is an exact fraction in the stored result; here it is rounded to the cent for
people. Counts of voters that a breakdown shows go under the privacy threshold of the groups
app (fewer than MIN_CELL_SIZE: "fewer than 5", never the number).
"""

from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.groups.selectors import MIN_CELL_SIZE

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "PLN": "zł", "HUF": "Ft"}
MES_RULES = (Budget.Rule.MES_ADD_ONE, Budget.Rule.MES_GREEDY)


def money(amount: Any, currency: str) -> str:
    """`amount` (a Decimal, an int or a fraction "p/q") rounded to the cent, with its currency:
    "1 234 €", "1 234,50 €" (the cents only when there are some)."""
    value = Fraction(str(amount)) if not isinstance(amount, Fraction) else amount
    cents = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    places = 0 if cents == cents.to_integral_value() else 2
    return f"{number_format(cents, places, use_l10n=True, force_grouping=True)}\u00a0{SYMBOLS.get(currency, currency)}"


def count_or_few(count: int) -> str:
    """A count of voters as a breakdown may show it."""
    if count < MIN_CELL_SIZE:
        return _("fewer than %(threshold)s") % {"threshold": MIN_CELL_SIZE}
    return number_format(count, 0, use_l10n=True, force_grouping=True)


def _votes(text: str) -> str:
    value = Fraction(text)
    if value.denominator == 1:
        return number_format(value.numerator, 0, use_l10n=True, force_grouping=True)
    return number_format(round(float(value), 2), 2, use_l10n=True, force_grouping=True)


@dataclass
class Row:
    """One project on the ballot, as the chart and its table show it."""

    project: Project
    votes: str
    percent: float  # of the most voted project, for the bar's length
    cost: str
    chosen: bool  # under the budget's rule
    by_rule: dict[str, bool] = field(default_factory=dict)
    payers: str = ""
    point: tuple[float, float] | None = None


@dataclass
class Page:
    result: BudgetResult
    rule: str
    rule_label: str
    selected: list[Project]
    spent: str
    left: str
    rows: list[Row]
    differences: list[dict[str, str]]
    share: dict[str, Any] | None
    map_points: list[dict[str, Any]]
    completed: list[Project]


def _point(project: Project) -> tuple[float, float] | None:
    """The project's place on the map, where it has one (the model's constraint: both or neither)."""
    if project.latitude is None or project.longitude is None:
        return None
    return project.latitude, project.longitude


def results_page(budget: Budget, result: BudgetResult, *, user: Any) -> Page:
    """What the results page shows; `user`'s own share only to them."""
    projects = {p.pk: p for p in budget.projects.all()}
    rule = result.rule or budget.rule
    chosen_pks = [pk for pk in result.selected.get(rule, []) if pk in projects]
    selected = [projects[pk] for pk in chosen_pks]
    total = sum((p.cost for p in selected), Decimal(0))
    scores = {int(pk): text for pk, text in (result.scores or {}).items()}
    highest = max((Fraction(text) for text in scores.values()), default=Fraction(0)) or Fraction(1)
    by_rule = {name: set(result.selected.get(name, [])) for name in Budget.Rule.values}
    payers = (result.mes or {}).get("payers", {})
    rows = []
    for pk in sorted(scores, key=lambda pk: (-Fraction(scores[pk]), pk)):
        if pk not in projects:
            continue
        project = projects[pk]
        rows.append(Row(
            project=project, votes=_votes(scores[pk]), percent=round(float(Fraction(scores[pk]) / highest) * 100, 1),
            cost=money(project.cost, budget.currency), chosen=pk in chosen_pks,
            by_rule={name: pk in members for name, members in by_rule.items()},
            payers=count_or_few(payers[str(pk)]) if str(pk) in payers else "",
            point=_point(project),
        ))
    return Page(
        result=result,
        rule=rule,
        rule_label=str(Budget.Rule(rule).label),
        selected=selected,
        spent=money(total, budget.currency),
        left=money(budget.amount - total, budget.currency),
        rows=rows,
        differences=_differences(budget, result, projects, scores),
        share=_share(budget, result, projects, user),
        map_points=[
            {"title": row.project.title, "lat": row.point[0], "lng": row.point[1], "cost": row.cost}
            for row in rows if row.chosen and row.point is not None
        ],
        completed=[projects[pk] for pk in (result.mes or {}).get("completed", []) if pk in projects],
    )


def _differences(budget: Budget, result: BudgetResult, projects: dict[int, Project], scores: dict[int, str]) -> list[dict[str, str]]:
    """The projects greedy and the budget's MES (add-one when the budget uses greedy) disagree on, each with why."""
    mes_rule = result.rule if result.rule in MES_RULES else Budget.Rule.MES_ADD_ONE
    by_greedy = [pk for pk in result.selected.get(Budget.Rule.GREEDY, []) if pk in projects]
    by_mes = [pk for pk in result.selected.get(mes_rule, []) if pk in projects]
    greedy_only = _(
        "Selected by the vote count, not by equal shares: with %(votes)s votes it comes high in the count, "
        "but under equal shares the voters who chose it had already spent their shares on other projects "
        "they also chose, or were too few to pay its %(cost)s together."
    )
    mes_only = _(
        "Selected by equal shares, not by the vote count: with %(votes)s votes, the count had already spent "
        "the budget on projects with more votes, but its supporters, whose shares no other project had "
        "used up, could pay its %(cost)s together."
    )
    differences = [(pk, "greedy_only", greedy_only) for pk in by_greedy if pk not in by_mes]
    differences += [(pk, "mes_only", mes_only) for pk in by_mes if pk not in by_greedy]
    return [
        {
            "title": projects[pk].title,
            "kind": kind,
            "why": why % {"votes": _votes(scores.get(pk, "0")), "cost": money(projects[pk].cost, budget.currency)},
        }
        for pk, kind, why in differences
    ]


def _share(budget: Budget, result: BudgetResult, projects: dict[int, Project], user: Any) -> dict[str, Any] | None:
    """How `user`'s share of the budget was used under MES, if they voted with their account."""
    if not getattr(user, "is_authenticated", False) or result.rule not in MES_RULES:
        return None
    paid = (result.shares or {}).get(str(user.pk))
    if paid is None:
        return None
    share = Fraction((result.mes or {}).get("per_voter_budget", "0"))
    payers = (result.mes or {}).get("payers", {})
    spent = sum((Fraction(amount) for _pk, amount in paid), Fraction(0))
    items = [
        {
            "title": projects[pk].title if pk in projects else "",
            "amount": money(amount, budget.currency),
            "others": count_or_few(max(0, payers.get(str(pk), 1) - 1)),
        }
        for pk, amount in paid
    ]
    summary = _("Your share: %(share)s.") % {"share": money(share, budget.currency)}
    if items:
        summary += " " + _("It was spent on %(list)s.") % {
            "list": ", ".join(_("%(title)s (%(amount)s)") % item for item in items)
        }
    else:
        summary += " " + _("None of the projects you chose could be paid for by its supporters' shares.")
    return {
        "share": money(share, budget.currency),
        "items": items,
        "unspent": money(share - spent, budget.currency),
        "summary": summary,
    }
