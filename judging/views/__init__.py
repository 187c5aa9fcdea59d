"""Judge and organizer pages of judging. Thin: parse → one service or selector → render."""

from judging.views.judge import (
    grant_response,
    judge_assignment,
    judge_file,
    judge_queue,
    judge_recuse,
    judge_unlock_request,
)
from judging.views.organizer import organizer_round

__all__ = [
    "grant_response",
    "judge_assignment",
    "judge_file",
    "judge_queue",
    "judge_recuse",
    "judge_unlock_request",
    "organizer_round",
]
