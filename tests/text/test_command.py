"""`masthead text check FILE` (the `text` management command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("text", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_repaired_text_and_the_repairs(tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    path.write_text("Latviaโ€™s minister\nsomeday,โ€ he said\n", encoding="utf-8")
    output = run("check", str(path))
    assert output.startswith("Latvia’s minister\nsomeday,” he said\n")
    assert "2 repair(s):" in output
    assert "line 1: UTF-8 that had been read as Windows-874 (Thai)" in output
    assert "lost 0x9D" in output


def test_it_says_so_when_nothing_needs_repair(tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    path.write_text("Clean copy.", encoding="utf-8")
    assert run("check", str(path)) == "Clean copy.\n\nNo repairs needed.\n"


def test_it_reads_stdin_for_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO("(CNN) โ€” Wednesday".encode())

    monkeypatch.setattr("sys.stdin", FakeStdin())
    assert run("check", "-").startswith("(CNN) — Wednesday\n")


def test_it_sanitises_with_html(tmp_path: Path) -> None:
    path = tmp_path / "body.html"
    path.write_text("<p>Sprลซds<script>x</script></p>", encoding="utf-8")
    assert run("check", "--html", str(path)).startswith("<p>Sprūds</p>\n")


def test_it_exits_2_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        run("check", str(tmp_path / "nope.txt"))
    assert error.value.returncode == 2
    assert "no such file" in str(error.value)


def test_it_reports_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"ok\ncaf\xe9")
    with pytest.raises(CommandError) as error:
        run("check", str(path))
    assert error.value.returncode == 1
    assert "not valid UTF-8 at byte 6 (line 2): bytes e9" in str(error.value)


def test_it_needs_a_subcommand() -> None:
    with pytest.raises(CommandError):
        run()
