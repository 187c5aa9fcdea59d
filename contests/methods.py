"""How a round turns its judges' scorecards into one score per entry (DOMAIN §6).

The one enum of ranking methods, pure so the ranking engine can use it; the labels people read
are ``contests.enums.METHOD_LABELS`` and the database's choices follow from both.
"""

from enum import StrEnum


class Method(StrEnum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"
    Z_SCORE = "z_score"
    RANK_SUM = "rank_sum"
    CALIBRATED = "calibrated"
