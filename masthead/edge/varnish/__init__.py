"""The shipped Varnish configuration, and how `masthead serve --edge varnish` runs it."""

from __future__ import annotations

import ipaddress
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

VCL = Path(__file__).with_name("masthead.vcl")
_BACKEND = '.host = "127.0.0.1";\n    .port = "8001";'
_BACKEND_BLOCK = re.compile(r"^backend default \{.*?^\}\n", re.S | re.M)
_PURGERS = '    "127.0.0.1";\n    "::1";\n'
# Several web machines: each is checked (a dead one is skipped) and they take turns.
_PROBE = """    .probe = {
        .url = "/robots.txt";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
"""


def vcl_for(
    backend_host: str, backend_port: int, *, more: Sequence[tuple[str, int]] = (),
    purgers: Sequence[str] = (),
) -> str:  # fmt: skip
    """The shipped VCL with the origin's address as its backend; with `more` web machines, a
    round-robin of all of them, each health-checked; `purgers` adds the addresses or networks
    ("10.0.0.0/24") allowed to purge (the web and worker machines)."""
    text = VCL.read_text()
    if _BACKEND not in text or _PURGERS not in text:
        raise ValueError("masthead.vcl: its backend or purgers block was changed")
    if not more:
        text = text.replace(_BACKEND, f'.host = "{backend_host}";\n    .port = "{backend_port}";')
    else:
        block = _BACKEND_BLOCK.search(text)
        if block is None:
            raise ValueError("masthead.vcl: no backend block")
        origins = [(backend_host, backend_port), *more]
        backends = "".join(
            f'backend web{n} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            f"    .connect_timeout = 2s;\n    .first_byte_timeout = 30s;\n{_PROBE}}}\n\n"
            for n, (host, port) in enumerate(origins, start=1)
        )
        adds = "".join(f"    web.add_backend(web{n});\n" for n in range(1, len(origins) + 1))
        director = (
            f"sub vcl_init {{\n    new web = directors.round_robin();\n{adds}}}\n\n"
            # VCL runs same-named subroutines in order: this one first, then the main one.
            "sub vcl_recv {\n    set req.backend_hint = web.backend();\n}\n"
        )
        text = text[: block.start()] + backends + director + text[block.end() :]
        text = text.replace("import xkey;\n", "import xkey;\nimport directors;\n")
    if purgers:
        extra = "".join(_acl_entry(p) for p in purgers)
        text = text.replace(_PURGERS, _PURGERS + extra)
    return text


def _acl_entry(spec: str) -> str:
    """One ACL line: an address, or a network as VCL writes it ("10.0.0.0"/24)."""
    network = ipaddress.ip_network(spec, strict=False)
    if network.num_addresses == 1:
        return f'    "{network.network_address}";\n'
    return f'    "{network.network_address}"/{network.prefixlen};\n'


def varnishd() -> str | None:
    return shutil.which("varnishd") or next(
        (p for p in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd") if Path(p).exists()), None
    )


def command(*, binary: str, vcl_path: Path, listen: str, workdir: Path, memory: str) -> list[str]:
    """varnishd in the foreground, supervised like the other processes of `masthead serve`."""
    return [
        binary,
        "-F",
        "-f",
        str(vcl_path),
        "-a",
        listen,
        "-n",
        str(workdir),
        "-s",
        f"malloc,{memory}",
    ]
