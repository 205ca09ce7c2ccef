"""The `masthead` console command: Django's management commands plus the project's own.

`masthead migrate`, `masthead createsuperuser`, `masthead demo --serve`, `masthead serve`,
`masthead ingest ...` are all management commands run with Masthead's settings.
"""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    # Django reads the settings module's name when the command runs, not when it is imported.
    execute_from_command_line(["masthead", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
