"""Results: rankings, advancement, prize allocation, payouts, publication, retention, exports,
certificates and the results pages (DOMAIN §6–§8). The arithmetic lives in pure engines without
Django (``ranking``, ``calibration``, ``intervals``, ``reliability``, ``prizes``, ``payouts``,
``certificates``); ``services`` load, store and audit."""
