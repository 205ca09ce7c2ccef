"""A real SMTP server in the test process (aiosmtpd), on a free port: what it accepted, as
parsed messages. Shared by the newsletters' tests and benchmarks/bench_newsletter.py."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collect:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.server.record(list(envelope.rcpt_tos), bytes(envelope.original_content or b""))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, *, parse: bool = True) -> None:
        self.port = free_port()
        self.parse = parse
        self.lock = threading.Lock()
        self.raw: list[tuple[list[str], bytes]] = []
        self.controller = Controller(
            _Collect(self), hostname="127.0.0.1", port=self.port, data_size_limit=0
        )

    def record(self, recipients: list[str], data: bytes) -> None:
        with self.lock:
            self.raw.append((recipients, data))

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.raw)

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.raw)
        return [
            email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
            for _, data in raw
        ]

    def recipients(self) -> list[str]:
        with self.lock:
            return [r for rcpts, _ in self.raw for r in rcpts]


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a newsletter message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",
        html.get_content() if html is not None else "",
    )
