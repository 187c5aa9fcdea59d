"""Submissions: entries, team members, children, consents and files (DOMAIN §3, §4, §10).
Files are inspected from their bytes (``inspection``), judges get derived copies
(``derivatives``, ``pdfsanitise``), and every limit lives once (``limits``, ``SLOT_RULES``)."""
