"""Production start-up: the documented environment passes `check --deploy`, a missing static manifest or site
address stops the process at start, the production start is scripted, and the README lists every setting."""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
README = BASE_DIR / "README.md"


def documented_production_environment() -> dict[str, str]:
    """The `KEY=value` lines of the README's production environment block."""
    section = README.read_text(encoding="utf-8").split("## Production", 1)[1]
    block = re.search(r"```sh\n(DJANGO_DEBUG=0\n.*?)```", section, re.S).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if line.strip())


@pytest.fixture
def production_env(tmp_path):
    """The README's production environment, with a real secret, an unused database and a built manifest."""
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1", "hash": ""}))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_"))}
    env.update(documented_production_environment())
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://nobody@127.0.0.1:1/unused",
        DJANGO_STATIC_ROOT=str(static_root),
    )
    return env


def run_python(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_environment(production_env):
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https_hardening(production_env):
    # The environment is what makes the check clean: without HSTS and the redirect it is not.
    for name in ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"]:
        production_env.pop(name)
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_check_deploy_requires_a_named_privacy_officer(production_env):
    production_env.pop("PRIVACY_OFFICER_NAME")
    result = run_python(["manage.py", "check", "--deploy"], production_env)
    assert result.returncode != 0 and "directory.E002" in result.stderr


def test_check_deploy_requires_the_site_address_to_be_served(production_env):
    production_env["SITE_URL"] = "https://ailleurs.example.gouv.qc.ca"
    result = run_python(["manage.py", "check", "--deploy"], production_env)
    assert result.returncode != 0 and "directory.E004" in result.stderr


def test_production_cookies_are_secure_and_https_is_enforced(production_env):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS)"
    )
    env = {**production_env, "DJANGO_SETTINGS_MODULE": "directory.settings"}
    result = run_python(["-c", code], env)
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000"], result.stderr


def test_web_process_refuses_to_start_without_the_static_manifest(production_env, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    production_env["DJANGO_STATIC_ROOT"] = str(empty)
    result = run_python(["-c", "import directory.wsgi"], production_env)
    assert result.returncode != 0
    assert "staticfiles.json is missing" in result.stderr and "collectstatic" in result.stderr


def test_web_process_starts_with_the_static_manifest(production_env):
    result = run_python(["-c", "import directory.wsgi"], production_env)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_an_https_site_address(production_env):
    production_env["SITE_URL"] = "http://127.0.0.1:8000"
    result = run_python(["-c", "import directory.wsgi"], production_env)
    assert result.returncode != 0 and "SITE_URL" in result.stderr


def make_dry_run(*args) -> list[str]:
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_production_prepares_then_starts_the_worker_and_the_web_process():
    lines = make_dry_run("production")
    steps = [
        "collectstatic --no-input",
        "check --deploy",
        "migrate --no-input",
        "procrastinate worker",
        "gunicorn",
    ]
    script = "\n".join(lines)
    positions = [script.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), script


def test_make_run_builds_links_from_the_address_it_serves():
    lines = make_dry_run("run", "HOST=127.0.0.2", "PORT=8123")
    runserver = next(line for line in lines if "runserver" in line)
    banner = next(line for line in lines if "create_demo_staff" in line)
    assert "SITE_URL=http://127.0.0.2:8123" in runserver and runserver.endswith("127.0.0.2:8123")
    assert "SITE_URL=http://127.0.0.2:8123" in banner


# --- The README's settings table names every environment variable the code reads ---

ENV_READERS = {"env_bool", "env_list", "getenv"}


def environment_variables_read(path: Path) -> set[str]:
    """Names read through os.environ.get / os.environ[...] / os.getenv / the settings' env helpers."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            on_environ = isinstance(function, ast.Attribute) and ast.unparse(function.value) == "os.environ"
            if (on_environ and called == "get") or called in ENV_READERS:
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def project_python_files():
    skipped = {".venv", "var", "tests", "node_modules", "staticfiles"}
    for path in BASE_DIR.rglob("*.py"):
        if not skipped & set(path.relative_to(BASE_DIR).parts):
            yield path


def test_the_scanner_finds_every_way_of_reading_the_environment(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nos.environ.get('A')\nos.environ['B']\nos.getenv('C')\nenv_bool('D', True)\n"
        "env_list('E')\nos.environ['F'] = '1'\nos.environ.setdefault('G', '1')\n"
    )
    assert environment_variables_read(sample) == {"A", "B", "C", "D", "E"}


def test_readme_settings_table_lists_every_environment_variable_the_code_reads():
    read = set().union(*(environment_variables_read(path) for path in project_python_files()))
    assert {"DJANGO_DEBUG", "SITE_URL", "PRIVACY_OFFICER_EMAIL"} <= read, "the scan finds the settings"
    table = (
        README.read_text(encoding="utf-8")
        .split("### Settings (environment variables)", 1)[1]
        .split("\n\n#", 1)[0]
    )
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert sorted(read - documented) == [], "variables the code reads that the README's settings table omits"
