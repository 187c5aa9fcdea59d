"""``gongmo``: the file commands, for organizers' what-ifs on a laptop — no site needed.

``rank_scores``, ``rank_pairs``, ``solve_assignment`` and ``allocate_prizes`` only read and write
files, so they run with no environment at all: no ``DJANGO_SECRET_KEY``, no database, no
``DJANGO_DEBUG``. This module gives them

* one console script installed with the package (``[project.scripts]`` in pyproject.toml)::

      gongmo rank scores.csv --method z_score          # = manage.py rank_scores
      gongmo rank-pairs decisions.csv                  # = manage.py rank_pairs
      gongmo assign --entries e.csv --judges j.csv --k 3   # = manage.py solve_assignment
      gongmo allocate --ranking r.csv --tiers t.csv    # = manage.py allocate_prizes

* and the settings ``manage.py`` uses for those four names (:func:`run_file_command`).

Both run the very same ``Command`` classes (one implementation) under :func:`configure`'s
minimal settings: no apps, no database (``DATABASES = {}``: any query would fail loudly), no
secret key (nothing is signed), no translations (the commands speak English). The site's
``config.settings`` — which refuses to start without a secret key outside DEBUG — is never read.
"""

from __future__ import annotations

import importlib
import sys

import django
from django.conf import settings
from django.core.management.base import BaseCommand

# console-script name → the management command it runs (module under <app>/management/commands)
COMMANDS: dict[str, str] = {
    "rank": "results.management.commands.rank_scores",
    "rank-pairs": "results.management.commands.rank_pairs",
    "assign": "judging.management.commands.solve_assignment",
    "allocate": "results.management.commands.allocate_prizes",
}
# manage.py name → module: manage.py runs these under the minimal settings too
FILE_COMMANDS: dict[str, str] = {module.rsplit(".", 1)[1]: module for module in COMMANDS.values()}

_SUMMARY = {
    "rank": "rank entries from a table of scores (= manage.py rank_scores)",
    "rank-pairs": "scale a comparative-judgement round from decisions (= manage.py rank_pairs)",
    "assign": "assign k judges to every entry (= manage.py solve_assignment)",
    "allocate": "award prize tiers along a ranking (= manage.py allocate_prizes)",
}


def configure() -> None:
    """The file commands' settings: nothing secret, no database, no apps, no translations."""
    if not settings.configured:
        settings.configure(
            DATABASES={},
            INSTALLED_APPS=[],
            USE_I18N=False,
            USE_TZ=True,
            TIME_ZONE="Asia/Seoul",
            LOGGING_CONFIG=None,
        )
    django.setup()


def command(module: str) -> BaseCommand:
    """An instance of the ``Command`` class of a file command's module."""
    return importlib.import_module(module).Command()


def run_file_command(argv: list[str]) -> None:
    """``manage.py <file command> …`` (argv as manage.py got it): run it under :func:`configure`."""
    configure()
    command(FILE_COMMANDS[argv[1]]).run_from_argv(argv)


def _usage() -> str:
    lines = ["usage: gongmo <command> [options]   (gongmo <command> --help for its options)", ""]
    lines += [f"  {name:<11} {_SUMMARY[name]}" for name in COMMANDS]
    lines += ["", "No environment needed: no secret key, no database. See README 'Commands'."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """The ``gongmo`` console script."""
    argv = list(sys.argv if argv is None else argv)
    name = argv[1] if len(argv) > 1 else ""
    if name in ("", "-h", "--help", "help"):
        sys.stdout.write(_usage())
        return 0
    if name not in COMMANDS:
        sys.stderr.write(f"gongmo: unknown command {name!r}\n\n{_usage()}")
        return 2
    configure()
    # prog "gongmo", subcommand name: usage lines read "gongmo rank [-h] …"
    command(COMMANDS[name]).run_from_argv(["gongmo", name, *argv[2:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
