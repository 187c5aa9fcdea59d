"""Accounts: the user model with its roles (student, guardian, judge, organizer), sign-up for
entrants, login throttling and the admin site's login. Imports only ``core``."""
