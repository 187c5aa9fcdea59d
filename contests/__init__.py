"""Contests: the ground the other apps stand on — contests, divisions, rounds, rubrics, prize
tiers and their budget (``budget``, pure), the ranking methods (``methods``, pure), who
organizes what (``permissions``), and the WSCE 2021 seed. Imports no other domain app."""
