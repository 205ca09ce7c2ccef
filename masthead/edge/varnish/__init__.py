"""The shipped Varnish configuration, and how `masthead serve --edge varnish` runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

VCL = Path(__file__).with_name("masthead.vcl")
_BACKEND = '.host = "127.0.0.1";\n    .port = "8001";'


def vcl_for(backend_host: str, backend_port: int) -> str:
    """The shipped VCL with the origin's address as its backend."""
    text = VCL.read_text()
    if _BACKEND not in text:
        raise ValueError("masthead.vcl: its backend block was changed; cannot set the origin")
    return text.replace(_BACKEND, f'.host = "{backend_host}";\n    .port = "{backend_port}";')


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
