"""`masthead serve`: the production server (gunicorn), static files through WhiteNoise.

Collects static files into hashed, compressed copies first, so that WhiteNoise can serve them
with far-future cache headers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) with hashed, compressed static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("MASTHEAD_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="Worker processes (default: $WEB_CONCURRENCY or 2).",
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        env = {**os.environ, "MASTHEAD_COLLECTED_STATIC": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        if not options["no_collectstatic"]:
            self.stdout.write("Collecting static files...")
            subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
                [sys.executable, "-m", "masthead", "collectstatic", "--noinput", "-v0"],
                env=env, check=True,
            )
        if shutil.which("gunicorn", path=os.path.dirname(sys.executable)) is None:
            raise CommandError("gunicorn is not installed in this environment.")
        self.stdout.write(f"Serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "masthead.wsgi:application",
            "--bind", options["bind"], "--workers", str(options["workers"]),
            "--access-logfile", "-", "--graceful-timeout", "20",
        ]
        os.execve(sys.executable, argv, env)  # noqa: S606 - replace this process with gunicorn
