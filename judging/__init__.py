"""Judging: panels, conflicts of interest, assignment, scorecards and comparative judgement
(DOMAIN §5). Pure engines without Django: ``assignment`` (exact min-cost flow), ``pairwise``
(which two drawings next) and ``comparative`` (Bradley–Terry scale); ``services`` gather their
inputs and write their answers; ``selectors`` hold what a judge may see."""
