"""Payout sheet: split awards among team members and withhold Korean tax (DOMAIN §7).

Pure module, integer won and :class:`~decimal.Decimal` only — never a float.

Prize money (상금) is 기타소득 (other income). For a prize in a competition where many compete
for ranks, a share of the payment is deemed necessary expense (``expense_rate``, 80%), so

* deemed expense = ``floor(gross × expense_rate)`` — whole won, fractions of a won dropped;
* taxable income = ``gross − deemed expense`` (20% of the prize);
* no tax at all when taxable income ≤ ``threshold`` (과세최저한, 50,000 KRW) — per payment;
* income tax = ``taxable × income_tax_rate`` (20%), cut (floor) to whole ``cut_unit`` (10) won;
* local income tax = ``income tax × local_tax_rate`` (10%), cut to whole 10 won;
* net = gross − income tax − local income tax.

Grant money (실증지원금) is not prize income: nothing is withheld.

Interpretations where the specification leaves room
---------------------------------------------------
* Rounding of taxable income: the law gives no rule for it; we drop fractions of a won from the
  *deemed expense*, so taxable income is always whole won and the threshold comparison and the
  sheet agree with each other. For a gross divisible by 5 (every configured prize and every
  realistic share) this is exactly 20%; otherwise taxable income is rounded up to the won, which
  can move the income tax by one 10-won step (see the 250,249 KRW test).
* "Per payment" means per recipient per award row: each member's share of a team prize is one
  payment; a person paid for two entries is assessed twice.
* A team prize is split equally in floor won; the remainder (fewer won than members) goes to the
  leader, who is therefore taxed on the slightly larger share.
* An award whose share mixes prize and grant money (a tie spanning tiers of both kinds, see
  ``results.prizes.Award.prize_amount``) is passed as two rows, one per kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Literal, NamedTuple

__all__ = [
    "DEFAULT_TAX_POLICY",
    "PayoutAward",
    "PayoutError",
    "PayoutRow",
    "PayoutTotals",
    "TaxPolicy",
    "Withholding",
    "payout_sheet",
    "payout_totals",
    "team_split",
    "withholding",
]

Kind = Literal["prize", "grant"]
_KINDS = frozenset({"prize", "grant"})


class PayoutError(ValueError):
    """Invalid payout input; ``code`` is stable, ``detail`` is JSON-friendly."""

    code = "invalid_payout"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_won(value: object, what: str) -> int:
    if not _is_int(value) or value < 0:
        raise PayoutError(f"{what} must be whole won ≥ 0.", value=repr(value))
    return value


def _as_rate(value: object, what: str) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise PayoutError(f"{what} must be a Decimal, int or str (never a float).")
    try:
        rate = Decimal(value)
    except ArithmeticError as error:
        raise PayoutError(f"{what} is not a number: {value!r}.") from error
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise PayoutError(f"{what} must be between 0 and 1.", value=str(value))
    return rate


@dataclass(frozen=True, slots=True)
class TaxPolicy:
    """Withholding configuration (organizer data, not code). Defaults: Korean 기타소득, 2021."""

    expense_rate: Decimal = Decimal("0.80")
    income_tax_rate: Decimal = Decimal("0.20")
    local_tax_rate: Decimal = Decimal("0.10")
    threshold: int = 50_000
    cut_unit: int = 10

    def __post_init__(self) -> None:
        for name in ("expense_rate", "income_tax_rate", "local_tax_rate"):
            object.__setattr__(self, name, _as_rate(getattr(self, name), name))
        _require_won(self.threshold, "threshold")
        if not _is_int(self.cut_unit) or self.cut_unit < 1:
            raise PayoutError("cut_unit must be whole won ≥ 1.", value=repr(self.cut_unit))


DEFAULT_TAX_POLICY = TaxPolicy()


@dataclass(frozen=True, slots=True)
class Withholding:
    gross: int
    taxable: int
    income_tax: int
    local_tax: int
    net: int

    @property
    def total_tax(self) -> int:
        return self.income_tax + self.local_tax


def _floor(value: Decimal, unit: int = 1) -> int:
    return int((value / unit).to_integral_value(rounding=ROUND_FLOOR)) * unit


def withholding(gross: int, *, kind: Kind, policy: TaxPolicy = DEFAULT_TAX_POLICY) -> Withholding:
    """Tax withheld from one payment of ``gross`` won (see the module docstring)."""
    _require_won(gross, "gross")
    if kind not in _KINDS:
        raise PayoutError("kind must be 'prize' or 'grant'.", kind=repr(kind))
    if kind == "grant":
        return Withholding(gross=gross, taxable=0, income_tax=0, local_tax=0, net=gross)
    with localcontext() as context:
        context.prec = 60  # exact for any amount of won we will ever see
        taxable = gross - _floor(Decimal(gross) * policy.expense_rate)
        if taxable <= policy.threshold:
            income_tax = local_tax = 0
        else:
            income_tax = _floor(Decimal(taxable) * policy.income_tax_rate, policy.cut_unit)
            local_tax = _floor(Decimal(income_tax) * policy.local_tax_rate, policy.cut_unit)
    return Withholding(
        gross=gross,
        taxable=taxable,
        income_tax=income_tax,
        local_tax=local_tax,
        net=gross - income_tax - local_tax,
    )


def team_split(amount: int, members: Sequence[str], leader: str) -> dict[str, int]:
    """Split ``amount`` equally among ``members`` (floor won); the remainder goes to ``leader``."""
    _require_won(amount, "amount")
    members = list(members)
    if not members:
        raise PayoutError("A team needs at least one member.")
    if len(set(members)) != len(members):
        raise PayoutError("A team lists the same member twice.", members=members)
    if leader not in members:
        raise PayoutError("The leader must be one of the members.", leader=leader)
    share, rest = divmod(amount, len(members))
    split = dict.fromkeys(members, share)
    split[leader] += rest
    return split


class PayoutAward(NamedTuple):
    """One award to pay: a plain 6-tuple in this order works too."""

    entry: str
    tier: str
    amount: int
    kind: Kind
    members: Sequence[str]
    leader: str


@dataclass(frozen=True, slots=True)
class PayoutRow:
    entry: str
    tier: str
    kind: Kind
    recipient: str
    is_leader: bool
    gross: int
    taxable: int
    income_tax: int
    local_tax: int
    net: int


@dataclass(frozen=True, slots=True)
class PayoutTotals:
    recipients: int
    gross: int
    income_tax: int
    local_tax: int
    net: int


def payout_sheet(
    awards: Iterable[PayoutAward | tuple], *, policy: TaxPolicy = DEFAULT_TAX_POLICY
) -> list[PayoutRow]:
    """One row per recipient per award, in award order then member order."""
    rows: list[PayoutRow] = []
    for item in awards:
        award = PayoutAward(*item)
        if award.kind not in _KINDS:
            raise PayoutError(
                f"Entry {award.entry}: kind must be 'prize' or 'grant'.", entry=award.entry
            )
        for member, gross in team_split(award.amount, award.members, award.leader).items():
            tax = withholding(gross, kind=award.kind, policy=policy)
            rows.append(
                PayoutRow(
                    entry=award.entry,
                    tier=award.tier,
                    kind=award.kind,
                    recipient=member,
                    is_leader=member == award.leader,
                    gross=tax.gross,
                    taxable=tax.taxable,
                    income_tax=tax.income_tax,
                    local_tax=tax.local_tax,
                    net=tax.net,
                )
            )
    return rows


def payout_totals(rows: Iterable[PayoutRow]) -> PayoutTotals:
    """Column totals of a payout sheet."""
    rows = list(rows)
    return PayoutTotals(
        recipients=len(rows),
        gross=sum(row.gross for row in rows),
        income_tax=sum(row.income_tax for row in rows),
        local_tax=sum(row.local_tax for row in rows),
        net=sum(row.net for row in rows),
    )
