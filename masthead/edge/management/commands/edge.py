"""`masthead edge vcl`: the shipped Varnish configuration for an edge machine.

    masthead edge vcl --backend 10.0.0.11:8000 --backend 10.0.0.12:8000 \
        --purger 10.0.0.0/24 > /etc/varnish/masthead.vcl

One web machine gives the VCL as shipped with its address; several, a health-checked round-robin
of them. `--purger` lets the web and worker machines send purges.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.edge import varnish


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--backend {value!r}: give HOST:PORT")
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = "Write the edge's Varnish configuration (VCL) for the given web machines."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        vcl = sub.add_parser("vcl", help="print the VCL for an edge machine")
        vcl.add_argument(
            "--backend", action="append", required=True, metavar="HOST:PORT",
            help="a web machine (repeat for several)",
        )  # fmt: skip
        vcl.add_argument(
            "--purger", action="append", default=[], metavar="ADDRESS|NETWORK",
            help="an address or network allowed to purge (the web and worker machines)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        backends = [_address(b) for b in options["backend"]]
        (host, port), *more = backends
        try:
            text = varnish.vcl_for(host, port, more=more, purgers=options["purger"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(text, ending="")
