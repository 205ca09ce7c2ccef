"""`masthead serve`: the production web server, and on one machine the workers beside it.

With `--edge varnish`, varnishd takes the public address with the shipped VCL
(masthead/edge/varnish/masthead.vcl) and gunicorn listens on the next port behind it.

gunicorn serves the site, with static files collected into hashed, compressed copies that
WhiteNoise serves with far-future cache headers. Unless `--no-worker` is given (a web machine in
a multi-machine setup), the background-task worker (`masthead db_worker`) and the wire poller
(`masthead wire poll --watch`) run beside it, with the newsletters' clock (`masthead newsletter
watch`), so one command brings up the whole embedded paper.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from masthead.accounts.checks import counters_warning
from masthead.edge import varnish


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and, unless --no-worker, the task worker and poller."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("MASTHEAD_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="Web worker processes (default: $WEB_CONCURRENCY or 2).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Serve only; run `masthead db_worker` and `masthead wire poll --watch` elsewhere.",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--edge",
            choices=["varnish"],
            help="Start Varnish on the public address, in front of gunicorn (masthead/edge).",
        )
        parser.add_argument(
            "--edge-memory", default="256m", help="Varnish's cache size (default 256m)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = {**os.environ, "MASTHEAD_COLLECTED_STATIC": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        masthead = [sys.executable, "-m", "masthead"]
        bind = options["bind"]
        edge: list[str] = []
        if options["edge"] == "varnish":
            binary = varnish.varnishd()
            if binary is None:
                self.stderr.write(
                    "varnishd is not installed (apt-get install varnish varnish-modules): "
                    "serving without the edge."
                )
            else:
                host, _, port = bind.rpartition(":")
                origin_port = int(port) + 1
                workdir = settings.DATA_DIR / "varnish"
                workdir.mkdir(parents=True, exist_ok=True)
                vcl_path = workdir / "masthead.vcl"
                vcl_path.write_text(varnish.vcl_for(host or "127.0.0.1", origin_port))
                edge = varnish.command(
                    binary=binary,
                    vcl_path=vcl_path,
                    listen=bind,
                    workdir=workdir / "instance",
                    memory=options["edge_memory"],
                )
                # The origin listens beside the edge; it purges the edge and believes the
                # client address the edge forwards.
                bind = f"{host}:{origin_port}"
                purge_urls = [*settings.MASTHEAD_EDGE_VARNISH_URLS, f"http://{options['bind']}/"]
                env["MASTHEAD_EDGE_VARNISH_URLS"] = ",".join(purge_urls)
                env.setdefault("MASTHEAD_TRUSTED_PROXIES", "1")
        if not options["no_collectstatic"]:
            self.stdout.write("Collecting static files...")
            subprocess.run([*masthead, "collectstatic", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "masthead.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "20",
            ],
        }
        if edge:
            commands["edge"] = edge
        if not options["no_worker"]:
            commands["tasks"] = [*masthead, "db_worker"]
            commands["wire"] = [*masthead, "wire", "poll", "--watch"]
            # The newsletters' clock: builds each scheduled digest at its time and starts
            # scheduled editions (the task worker sends them).
            commands["newsletters"] = [*masthead, "newsletter", "watch"]
        self.stdout.write(
            f"Serving on http://{options['bind']}/ with {options['workers']} web workers"
            + (f" behind Varnish (origin on {bind})" if edge else "")
            + ("" if options["no_worker"] else ", a task worker and the wire poller")
        )
        if warning := counters_warning(options["workers"]):
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        sys.stdout.flush()
        self.supervise({name: subprocess.Popen(argv, env=env) for name, argv in commands.items()})  # noqa: S603

    def supervise(self, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        """Run until a signal or until one process ends, then stop the others gracefully."""
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        ended = None
        while not stopping and ended is None:
            ended = next((name for name, p in procs.items() if p.poll() is not None), None)
            time.sleep(0.5)
        if ended is not None:
            self.stderr.write(f"{ended} exited with status {procs[ended].returncode}; stopping.")
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 25
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        if ended is not None and procs[ended].returncode:
            sys.exit(procs[ended].returncode)
