"""The prize budget (DOMAIN §7), pure: what a tier costs and whether the tiers fit the budget.

The one definition of ``count × amount`` and of "over budget": the model (``PrizeTier.total``),
the contest's translated check (``contests.services.tiers_validate``, used by the admin, the
seed, the API and the allocation) and the allocation engine (``results.prizes.Tier``) all
compute through these two functions. No Django here, so the engine may use it.
"""

from collections.abc import Iterable


def tier_total(*, count: int, amount: int) -> int:
    """What a tier costs: ``count`` awards of ``amount`` won each."""
    return count * amount


def budget_excess(*, totals: Iterable[int], budget: int) -> int:
    """How many won the tiers' ``totals`` promise beyond ``budget`` (0 when they fit)."""
    return max(0, sum(totals) - budget)
