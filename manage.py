#!/usr/bin/env python
import os
import sys

from config.cli import FILE_COMMANDS, run_file_command


def main() -> None:
    # The commands that only read and write files run with no environment at all, under the
    # minimal settings of config/cli.py instead of the site's (which need DJANGO_SECRET_KEY).
    if len(sys.argv) > 1 and sys.argv[1] in FILE_COMMANDS:
        run_file_command(sys.argv)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (after the settings module is chosen)

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
