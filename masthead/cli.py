"""The `masthead` console command: Django's management commands plus the project's own.

`masthead migrate`, `masthead createsuperuser`, `masthead demo --serve`, `masthead serve`,
`masthead ingest ...` are all management commands run with Masthead's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    # After the settings module is named: Django reads it as this import runs.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
