"""Jobs for the parse helper tests. Module-level, since helpers receive functions by reference,
and free of Django models: a fork-server helper imports this module before any Django setup."""

from __future__ import annotations

import os


def pid(job: int) -> tuple[int, int]:
    return job, os.getpid()


def die_in_helper(job: tuple[int, int]) -> int:
    parent, value = job
    if value == 2 and os.getpid() != parent:
        os._exit(1)  # a helper killed mid-run (out of memory, SIGKILL)
    return value
