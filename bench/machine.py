"""What the figures were measured on: CPU, cores, memory, PostgreSQL and software versions, date."""

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
        return result.stdout.strip()
    except OSError:
        return ""


def machine_info(connection=None) -> dict:
    import django

    info = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "git_commit": _git_commit(),
    }
    if connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            info["postgresql_shared_buffers"] = cursor.fetchone()[0]
    return info


def describe(info: dict) -> str:
    return (
        f"{info['cpu_model']}, {info['cores']} cores, {info['memory_gib']} GiB RAM, "
        f"PostgreSQL {info.get('postgresql', '?')}, Python {info['python']}, Django {info['django']}, "
        f"{info['date']}"
    )
