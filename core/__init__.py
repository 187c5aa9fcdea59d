"""The ground floor: domain errors and how they reach a page (``errors``, ``http``), the system
actor (``actors``), the append-only audit trail, the background-job seam (``tasks``), health,
object storage (``storage``) and the file tables of the commands (``tabular``,
``filecommand``). Imports no domain app."""
