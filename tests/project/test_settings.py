"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_masthead(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "MASTHEAD_ENV",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "masthead", *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_keeps_a_generated_secret_key_in_the_data_dir(tmp_path):
    env = {"MASTHEAD_DATA_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_masthead("shell", "--no-imports", "-c", code, env=env)
    second = run_masthead("shell", "--no-imports", "-c", code, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip() != ""
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.stdout.strip()


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = run_masthead(
        "check", env={"MASTHEAD_ENV": "production", "MASTHEAD_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required in production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_it_passes_djangos_deploy_checks_in_production_mode(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("x" * 20 + "-a-long-random-production-secret-for-tests-0123456789")
    result = run_masthead(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "MASTHEAD_ENV": "production",
            "SECRET_KEY_FILE": str(secret),
            "ALLOWED_HOSTS": "news.example.org",
            "MASTHEAD_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_reads_the_paper_name_time_zone_and_database_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.PAPER_NAME, s.TIME_ZONE, s.DATABASES['default']['NAME'], sep='|')"
    )
    result = run_masthead(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={
            "MASTHEAD_PAPER_NAME": "The Ledger",
            "MASTHEAD_TIME_ZONE": "Europe/Riga",
            "DATABASE_URL": f"sqlite:///{tmp_path}/other.db",
            "MASTHEAD_DATA_DIR": str(tmp_path),
        },
    )
    assert result.stdout.strip() == f"The Ledger|Europe/Riga|{tmp_path}/other.db", result.stderr
