"""The WSCE 2021 demo (``seed_wsce2021 --demo``): logins for every role, entries with generated
files, an assigned panel. It is the one place that imports every domain app."""
