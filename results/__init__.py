"""Results: rankings, advancement, prize allocation, payouts, publication, exports and the
results pages (DOMAIN §6–§8). The arithmetic lives in pure engines without Django
(``ranking``, ``ranking_stats``, ``prizes``, ``payouts``); ``services`` load, store and audit."""
