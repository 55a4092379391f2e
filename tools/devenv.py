#!/usr/bin/env python3
"""Developer environment of the addon: tests, demo server, lint.

Called by the Makefile (``make test``, ``make demo``, ``make stop``, ``make lint``).
Standard library only: it runs before anything is installed.

Odoo is found the way users have it: ``$ODOO_PYTHON`` if set, else ``python3`` if
it imports Odoo 18.  Failing both, Odoo 18.0 is installed into a virtual
environment of our own under ``.run/venv`` (never into the system Python), from
``$ODOO_SOURCE_URL``, with Odoo's own pinned requirements.  PostgreSQL runs as a
private cluster under ``.run/`` (unix socket only), owned by an unprivileged
system user when invoked as root.
"""

import argparse
import ast
import contextlib
import glob
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "l10n_fr_urssaf_avance_immediate"
RUN = os.path.join(ROOT, ".run")
LOGS = os.path.join(RUN, "logs")
PG_DIR = os.path.join(RUN, "pg")
PG_DATA = os.path.join(PG_DIR, "data")
PG_PORT = "5432"  # only names the socket file: the cluster listens on no TCP port
DB_USER = "odoo"
PG_SYSTEM_USERS = ("postgres", "odoo-dev")
DEMO_DB = os.environ.get("DEMO_DB", "urssaf_demo")
DEMO_PORT = int(os.environ.get("DEMO_PORT", "8069"))
DEMO_PID = os.path.join(RUN, "odoo-demo.pid")
ODOO_SOURCE_URL = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
VENV = os.path.join(RUN, "venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
ODOO_SRC = os.path.join(RUN, "odoo-src")
# Replacements for pins of Odoo's requirements.txt that do not build here.
ODOO_CONSTRAINTS = os.path.join(ROOT, "odoo-constraints.txt")
# Browser tours live in tests/test_tour_*.py; the layer is told by module name.
TOUR_MODULE_RE = re.compile(rf"odoo\.addons\.{MODULE}\.tests\.test_tour")
LOG_LINE_RE = re.compile(
    r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): "
    r"(?P<msg>.*)$"
)
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
PYTEST_COUNT_RE = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


class SetupError(Exception):
    """A missing piece of the environment, said in one line."""


def say(message):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def run(cmd, check=True, quiet=False, **kwargs):
    if quiet:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.run(cmd, check=check, **kwargs)


# --------------------------------------------------------------------------- Odoo


def _odoo_major(python):
    try:
        proc = subprocess.run(
            [python, "-c", "import odoo.release as r; print(r.version_info[0])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    if proc.returncode:
        lines = proc.stderr.strip().splitlines() or ["no output"]
        return None, lines[-1]
    return proc.stdout.strip(), ""


def _odoo_major_reason(python, label):
    """(python, "") when it runs Odoo 18, else (None, why not)."""
    major, error = _odoo_major(python)
    if major == "18":
        return python, ""
    if major:
        return None, f"{label} has Odoo {major}, not 18"
    return None, f"{label} cannot import odoo ({error})"


def find_odoo(install=True):
    """Return (python, "") for a Python importing Odoo 18, else (None, reason).

    ``$ODOO_PYTHON`` wins, then ``python3``, then our own ``.run/venv``, which
    is made and filled when ``install`` is true and nothing else has Odoo 18.
    """
    if os.environ.get("ODOO_PYTHON"):
        python = os.environ["ODOO_PYTHON"]
        return _odoo_major_reason(python, f"$ODOO_PYTHON ({python})")
    python, reason = _odoo_major_reason("python3", "python3")
    if python:
        return python, ""
    reasons = [reason]
    if os.path.exists(VENV_PYTHON):
        python, reason = _odoo_major_reason(VENV_PYTHON, VENV_PYTHON)
        if python:
            return python, ""
        reasons.append(reason)
    if install:
        failure = install_odoo_venv()
        if not failure:
            return VENV_PYTHON, ""
        reasons.append(failure)
    return None, "; ".join(reasons)


def dev_python():
    """The interpreter for tools that need no Odoo (lint, the lib layer): the
    one running Odoo 18 if any, else our venv, made without Odoo if need be."""
    python, _reason = find_odoo(install=False)
    if python:
        return python
    if os.environ.get("ODOO_PYTHON"):
        return os.environ["ODOO_PYTHON"]
    make_venv()
    return VENV_PYTHON


# ------------------------------------------------------- Odoo in our own venv


def requirement_name(line):
    """``psycopg2==2.9.5 ; python_version == '3.11'`` -> ``psycopg2``."""
    name = re.split(r"[<>=!~;\[ @]", line.split("#")[0].strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def odoo_requirements(odoo_lines, constraint_lines):
    """Odoo's pinned requirements with each package of ``constraint_lines``
    taking its lines there instead of Odoo's (a pin never builds alongside
    another pin of the same package)."""
    overrides = [line.strip() for line in constraint_lines if requirement_name(line)]
    replaced = {requirement_name(line) for line in overrides}
    kept = [
        line.rstrip("\n")
        for line in odoo_lines
        if requirement_name(line) not in replaced
    ]
    return [*kept, *overrides]


def _header_found(name):
    folders = ["/usr/include", "/usr/local/include", sysconfig.get_paths()["include"]]
    return any(os.path.exists(os.path.join(folder, name)) for folder in folders)


def _any_program(*names):
    return any(shutil.which(name) for name in names)


def _postgresql_found():
    return bool(shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"))


# Debian packages, what needs each, and how to see it is there.
SYSTEM_PACKAGES = (
    ("postgresql", ("test", "demo"), _postgresql_found),
    ("chromium", ("test",), lambda: _any_program("chromium", "chromium-browser")),
    ("wkhtmltopdf", ("test", "demo"), lambda: shutil.which("wkhtmltopdf")),
    ("python3-venv", ("venv",), lambda: importlib.util.find_spec("ensurepip")),
    ("build-essential", ("odoo",), lambda: shutil.which("gcc")),
    ("python3-dev", ("odoo",), lambda: _header_found("Python.h")),
    ("libpq-dev", ("odoo",), lambda: shutil.which("pg_config")),
    ("libldap2-dev", ("odoo",), lambda: _header_found("ldap.h")),
    ("libsasl2-dev", ("odoo",), lambda: _header_found("sasl/sasl.h")),
)


def missing_system_packages(*uses):
    return [
        package
        for package, needed_for, found in SYSTEM_PACKAGES
        if set(needed_for) & set(uses) and not found()
    ]


def require_system_packages(*uses):
    missing = missing_system_packages(*uses)
    if missing:
        names = " ".join(missing)
        raise SetupError(
            f"missing system packages ({names}): sudo apt-get install -y {names}"
        )


def make_venv():
    if not os.path.exists(VENV_PYTHON):
        require_system_packages("venv")
        say(f"Creating the virtual environment {VENV}")
        run([sys.executable, "-m", "venv", VENV])


def fetch_odoo_source(url):
    """Download and unpack Odoo's source archive; return its folder."""
    marker = os.path.join(ODOO_SRC, ".source-url")
    with contextlib.suppress(FileNotFoundError):
        with open(marker, encoding="utf-8") as handle:
            if handle.read() == url:
                return _odoo_source_folder()
    archive = os.path.join(RUN, "downloads", "odoo-18.0-src.tar.gz")
    os.makedirs(os.path.dirname(archive), exist_ok=True)
    say(f"Downloading Odoo's 18.0 source from {url}")
    with (
        urllib.request.urlopen(url, timeout=60) as response,  # noqa: S310
        open(archive, "wb") as handle,
    ):
        shutil.copyfileobj(response, handle, 1 << 20)
    shutil.rmtree(ODOO_SRC, ignore_errors=True)
    with tarfile.open(archive) as tar:
        # The "data" filter is in Python 3.11.4 and later; Debian 12 has 3.11.2.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(ODOO_SRC, **safe)  # noqa: S202
    folder = _odoo_source_folder()
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(url)
    return folder


def _odoo_source_folder():
    releases = glob.glob(os.path.join(ODOO_SRC, "*", "odoo", "release.py"))
    releases += glob.glob(os.path.join(ODOO_SRC, "odoo", "release.py"))
    if not releases:
        raise SetupError(f"no Odoo source (odoo/release.py) in {ODOO_SRC}")
    with open(releases[0], encoding="utf-8") as handle:
        if not re.search(r"^version_info = \(18, 0\b", handle.read(), re.M):
            raise SetupError(f"the source in {ODOO_SRC} is not Odoo 18.0")
    return os.path.dirname(os.path.dirname(releases[0]))


def install_odoo_venv():
    """Install Odoo 18.0 into ``.run/venv``; return why not, or ""."""
    if os.environ.get("ODOO_AUTO_INSTALL", "1") == "0":
        return "ODOO_AUTO_INSTALL=0"
    url = os.environ.get("ODOO_SOURCE_URL") or ODOO_SOURCE_URL
    require_system_packages("venv", "odoo")
    try:
        source = fetch_odoo_source(url)
    except OSError as exc:
        detail = getattr(exc, "reason", None) or exc
        return f"Odoo's 18.0 source cannot be had from {url} ({detail})"
    make_venv()
    with open(os.path.join(source, "requirements.txt"), encoding="utf-8") as handle:
        odoo_lines = handle.readlines()
    with open(ODOO_CONSTRAINTS, encoding="utf-8") as handle:
        constraint_lines = handle.readlines()
    requirements = os.path.join(VENV, "odoo-requirements.txt")
    with open(requirements, "w", encoding="utf-8") as handle:
        handle.writelines(
            f"{line}\n" for line in odoo_requirements(odoo_lines, constraint_lines)
        )
    log = os.path.join(LOGS, "odoo-install.log")
    os.makedirs(LOGS, exist_ok=True)
    say(f"Installing Odoo's pinned requirements into {VENV} (log: {log})")
    pip = [VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check"]
    with open(log, "a", encoding="utf-8") as output:
        for step in (["-r", requirements], ["--no-deps", "-e", source]):
            proc = run([*pip, *step], check=False, stdout=output, stderr=output)
            if proc.returncode:
                return f"installing Odoo into {VENV} failed: {_pip_error(log)}"
    python, reason = _odoo_major_reason(VENV_PYTHON, VENV_PYTHON)
    return "" if python else reason


def _pip_error(log):
    with open(log, encoding="utf-8", errors="replace") as handle:
        errors = [line.strip() for line in handle if "ERROR" in line]
    return errors[-1] if errors else f"see {log}"


def module_depends():
    with open(os.path.join(ROOT, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())["depends"]


# Community's bank reconciliation screen (OCA), where the addon's Urssaf
# reconciliation model proposes payouts: in the demo and the tests.
RECONCILE_MODULE = "account_reconcile_oca"
# Installed beside the addon for its tests only: the access tests open
# invoices as salespeople and purchase users; the portal tests check that no
# online payment is offered for an invoice Urssaf collects.
TEST_MODULES = ["sale", "purchase", "account_payment", RECONCILE_MODULE]


def odoo_default_addons_path(python):
    code = (
        "import os; from odoo.tools import config; "
        "config._parse_config(['-c', os.devnull]); print(config['addons_path'])"
    )
    proc = run([python, "-c", code], capture_output=True, text=True)
    return proc.stdout.strip().splitlines()[-1]


def addons_dir():
    """An addons folder holding this checkout under the module's technical name."""
    folder = os.path.join(RUN, "addons")
    os.makedirs(folder, exist_ok=True)
    link = os.path.join(folder, MODULE)
    if os.path.realpath(link) != ROOT:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(link)
        os.symlink(ROOT, link)
    return folder


def addon_name(requirement):
    """``odoo-addon-l10n_fr_cog==18.0.*`` -> ``l10n_fr_cog``."""
    return re.split(r"[<>=!~ ]", requirement)[0].removeprefix("odoo-addon-")


def oca_addons_dir(python):
    """The OCA addons of requirements-odoo.txt, unpacked from their PyPI wheels.

    Unpacked into our own addons folder rather than pip-installed: a wheel's
    ``odoo/addons`` folder in site-packages would shadow an editable Odoo.
    """
    folder = os.path.join(RUN, "oca-addons")
    wheels = os.path.join(RUN, "wheels")
    with open(os.path.join(ROOT, "requirements-odoo.txt"), encoding="utf-8") as handle:
        wanted = [line.strip() for line in handle if line.strip()[:1].isalnum()]
    missing = [
        requirement
        for requirement in wanted
        if not os.path.isdir(os.path.join(folder, addon_name(requirement)))
    ]
    if missing:
        say(f"Fetching OCA addons: {', '.join(missing)}")
        download = [python, "-m", "pip", "download", "-q", "--no-deps", "-d", wheels]
        proc = run([*download, *missing], check=False, capture_output=True, text=True)
        if proc.returncode:
            sys.stdout.write(proc.stderr[-2000:])
            raise SetupError(f"could not download {', '.join(missing)} from PyPI")
        for wheel in glob.glob(os.path.join(wheels, "odoo_addon_*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                names = archive.namelist()
                members = [name for name in names if name.startswith("odoo/addons/")]
                archive.extractall(os.path.join(RUN, "unpacked"), members)
        unpacked = os.path.join(RUN, "unpacked", "odoo", "addons")
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(unpacked):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
            shutil.move(os.path.join(unpacked, name), os.path.join(folder, name))
    return folder


def write_odoo_conf(python):
    paths = [addons_dir(), oca_addons_dir(python), odoo_default_addons_path(python)]
    if os.environ.get("ODOO_ADDONS_PATH"):
        paths.append(os.environ["ODOO_ADDONS_PATH"])
    conf = os.path.join(RUN, "odoo.conf")
    options = {
        "addons_path": ",".join(paths),
        "data_dir": os.path.join(RUN, "odoo-data"),
        "db_host": PG_DIR,
        "db_port": PG_PORT,
        "db_user": DB_USER,
        # Odoo's read-only test cursor ignores db_host unless told.
        "db_replica_host": PG_DIR,
        "db_replica_port": PG_PORT,
        "http_interface": "127.0.0.1",
        "list_db": "False",
        "max_cron_threads": "1",
    }
    with open(conf, "w", encoding="utf-8") as handle:
        handle.write("[options]\n")
        handle.writelines(f"{key} = {value}\n" for key, value in options.items())
    return conf


def odoo_cmd(python, conf, *args):
    return [python, "-m", "odoo", "server", "-c", conf, *args]


def ensure_python_requirements(python, requirements):
    path = os.path.join(ROOT, requirements)
    with open(path, encoding="utf-8") as handle:
        wanted = [
            line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()
        ]
    check = "import importlib.metadata as m, sys\n"
    check += "for name in sys.argv[1:]: m.version(name)\n"
    names = [re.split(r"[<>=!~;\[ ]", requirement)[0] for requirement in wanted]
    if run([python, "-c", check, *names], check=False, quiet=True).returncode:
        say(f"Installing {requirements} into {python}")
        install = [python, "-m", "pip", "install", "--quiet", "-r", path]
        proc = run(install, check=False, capture_output=True, text=True)
        if proc.returncode:
            sys.stdout.write(proc.stderr[-3000:])
            raise SetupError(f"could not install {requirements} into {python}")


# --------------------------------------------------------------------- PostgreSQL


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]),
    )
    if candidates:
        return candidates[-1]
    raise SetupError(
        f"PostgreSQL server program '{name}' not found: install Debian's postgresql "
        "package (apt-get install postgresql)"
    )


def pg_system_user():
    """The unprivileged account owning the cluster when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in PG_SYSTEM_USERS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        + [PG_SYSTEM_USERS[-1]]
    )
    return pwd.getpwnam(PG_SYSTEM_USERS[-1])


def pg_run(user, cmd, **kwargs):
    if user:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
        kwargs["env"] = dict(os.environ, HOME=PG_DIR, USER=user.pw_name)
        kwargs.setdefault("cwd", PG_DIR)
    return run(cmd, **kwargs)


def pg_running(user):
    status = [pg_bin("pg_ctl"), "status", "-D", PG_DATA]
    return (
        os.path.exists(PG_DATA)
        and not pg_run(user, status, check=False, quiet=True).returncode
    )


def pg_start():
    """Start the private cluster; return True if this call started it."""
    user = pg_system_user()
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    os.makedirs(LOGS, exist_ok=True)
    os.makedirs(PG_DIR, exist_ok=True)
    if user:
        os.chown(PG_DIR, user.pw_uid, user.pw_gid)
        if pg_run(user, ["test", "-w", PG_DIR], check=False).returncode:
            raise SetupError(
                f"the PostgreSQL account '{user.pw_name}' cannot write {PG_DIR}: "
                "make the checkout's parent folders traversable (chmod o+x)"
            )
    if not os.path.exists(os.path.join(PG_DATA, "PG_VERSION")):
        say(f"Creating the private PostgreSQL cluster in {PG_DATA}")
        init = [initdb, "-D", PG_DATA, "-U", DB_USER, "-A", "trust", "-E", "UTF8"]
        pg_run(user, [*init, "--locale=C"], quiet=True)
    if pg_running(user):
        return False
    options = f"-k {PG_DIR} -p {PG_PORT} -c listen_addresses=''"
    log = os.path.join(PG_DIR, "postgresql.log")
    pg_run(
        user,
        [pg_ctl, "start", "-w", "-D", PG_DATA, "-l", log, "-o", options],
        quiet=True,
    )
    return True


def pg_stop():
    user = pg_system_user()
    if pg_running(user):
        pg_run(
            user,
            [pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", PG_DATA],
            quiet=True,
        )
        say("PostgreSQL stopped")


def psql(sql, database="postgres"):
    cmd = [pg_bin("psql"), "-h", PG_DIR, "-p", PG_PORT, "-U", DB_USER, "-d", database]
    proc = run([*cmd, "-tAc", sql], capture_output=True, text=True)
    return proc.stdout.strip()


def db_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_db(name):
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(os.path.join(RUN, "odoo-data", "filestore", name), ignore_errors=True)


def copy_db(template, name):
    drop_db(name)
    psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    filestore = os.path.join(RUN, "odoo-data", "filestore")
    if os.path.isdir(os.path.join(filestore, template)):
        shutil.copytree(
            os.path.join(filestore, template), os.path.join(filestore, name)
        )


# --------------------------------------------------------------------------- tests


def parse_odoo_log(path):
    """Count tests per layer and collect error lines from an Odoo test log."""
    counts = {"odoo": [0, 0], "browser": [0, 0]}  # layer: [run, failed]
    result, problems = None, []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LOG_LINE_RE.match(line.rstrip("\n"))
            if not match:
                continue
            level, logger, msg = match["level"], match["logger"], match["msg"]
            layer = "browser" if TOUR_MODULE_RE.match(logger) else "odoo"
            if logger.startswith(f"odoo.addons.{MODULE}.tests") and msg.startswith(
                "Starting "
            ):
                counts[layer][0] += 1
            if logger == "odoo.tests.result" and RESULT_RE.search(msg):
                result = tuple(int(n) for n in RESULT_RE.search(msg).groups())
            elif level in ("ERROR", "CRITICAL"):
                if msg.startswith(("FAIL: ", "ERROR: ")):
                    counts[layer][1] += 1
                problems.append(f"{level} {logger}: {msg}")
    return counts, result, problems


def run_lib_tests(python):
    say("== lib layer (pytest, no Odoo)")
    proc = subprocess.run(
        [python, "-m", "pytest", "lib/tests", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(proc.stdout[-6000:] + proc.stderr[-2000:])
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    found = {kind: int(n) for n, kind in PYTEST_COUNT_RE.findall(summary)}
    passed = found.get("passed", 0)
    failed = found.get("failed", 0) + found.get("errors", 0) + found.get("error", 0)
    if proc.returncode not in (0, 5) and not failed:
        failed = 1  # pytest crashed before counting (import or usage error)
    return passed, failed


def ensure_template(python, conf):
    """A database with the dependencies installed, copied for each test run."""
    modules = [*module_depends(), *TEST_MODULES]
    key = "|".join([*sorted(modules), python, odoo_default_addons_path(python)])
    name = "urssaf_tmpl_" + hashlib.sha1(key.encode()).hexdigest()[:10]
    if db_exists(name):
        return name
    say(f"Building the template database {name} (once; about two minutes)")
    log = os.path.join(LOGS, f"{name}.log")
    args = ["-d", name, "-i", ",".join(modules), "--stop-after-init"]
    proc = run(odoo_cmd(python, conf, *args, f"--logfile={log}"), check=False)
    if not proc.returncode:
        # Odoo builds every asset bundle before browser tests (about a minute):
        # build them once here so test databases only rebuild what changed.
        shell = [python, "-m", "odoo", "shell", "-c", conf, "-d", name, "--no-http"]
        script = "env['ir.qweb']._pregenerate_assets_bundles(); env.cr.commit()\n"
        proc = run([*shell, f"--logfile={log}"], check=False, input=script, text=True)
    if proc.returncode:
        drop_db(name)
        raise SetupError(f"building the template database failed: see {log}")
    return name


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_odoo_tests(python):
    say("== odoo and browser layers (Odoo tests on a fresh database)")
    started = pg_start()
    try:
        conf = write_odoo_conf(python)
        template = ensure_template(python, conf)
        database = f"urssaf_test_{os.getpid()}"
        copy_db(template, database)
        log = os.path.join(LOGS, "odoo-tests.log")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(log)
        args = ["-d", database, "-i", MODULE, "--test-tags", f"/{MODULE}"]
        args += ["--stop-after-init", f"--http-port={free_port()}", f"--logfile={log}"]
        proc = run(odoo_cmd(python, conf, *args), check=False)
        drop_db(database)
    finally:
        if started:
            pg_stop()
    counts, result, problems = parse_odoo_log(log)
    for problem in problems[:40]:
        say(f"  {problem}")
    if result is None:
        say(f"  no test result line in {log} (Odoo exit code {proc.returncode})")
        counts["odoo"][1] += 1
    else:
        failed, errors, total = result
        seen = counts["odoo"][0] + counts["browser"][0]
        if seen != total:
            say(f"  warning: {total} tests ran, {seen} attributed to a layer")
        if failed + errors and not counts["odoo"][1] + counts["browser"][1]:
            counts["odoo"][1] += failed + errors
    if problems and not counts["odoo"][1] + counts["browser"][1]:
        counts["odoo"][1] += 1  # an error outside any test still fails the run
    say(f"  full log: {log}")
    return counts


def cmd_test(_args):
    python, reason = find_odoo()
    if python:
        require_system_packages("test")
    lib_python = python or dev_python()
    ensure_python_requirements(lib_python, "requirements-test.txt")
    totals = {}
    totals["lib"] = run_lib_tests(lib_python)
    skipped = ""
    if python:
        counts = run_odoo_tests(python)
        for layer in ("odoo", "browser"):
            run_count, failed = counts[layer]
            totals[layer] = (max(run_count - failed, 0), failed)
    else:
        skipped = f"no Odoo 18 runtime: {reason}"
    say("")
    for layer, (passed, failed) in totals.items():
        say(f"{layer}: {passed} passed" + (f", {failed} failed" if failed else ""))
    if skipped:
        say(f"odoo: SKIPPED ({skipped})")
        say(f"browser: SKIPPED ({skipped})")
    passed = sum(p for p, _ in totals.values())
    failed = sum(f for _, f in totals.values())
    say(f"{passed} passed, {failed} failed")
    if failed:
        return 1
    if skipped and (os.environ.get("REQUIRE_ODOO") == "1" or not os.environ.get("CI")):
        say("Odoo tests did not run: failing (set CI=1 to accept a lib-only run)")
        return 1
    return 0


# ---------------------------------------------------------------------------- demo


def demo_pid():
    with contextlib.suppress(FileNotFoundError, ValueError):
        with open(DEMO_PID, encoding="utf-8") as handle:
            pid = int(handle.read().strip())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            return pid
    return None


def wait_http(url, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return True
        time.sleep(1)
    return False


def cmd_demo(_args):
    python, reason = find_odoo()
    if not python:
        raise SetupError(f"no Odoo 18 runtime: {reason}")
    require_system_packages("demo")
    url = f"http://127.0.0.1:{DEMO_PORT}"
    if demo_pid():
        say(f"The demo already runs (PID {demo_pid()}): {url}")
    else:
        pg_start()
        conf = write_odoo_conf(python)
        args = ["-d", DEMO_DB, f"--http-port={DEMO_PORT}"]
        args += ["--db-filter", f"^{DEMO_DB}$"]
        if not db_exists(DEMO_DB):
            say(f"Creating the demo database {DEMO_DB} (a few minutes, once)")
            init = ["-i", f"{MODULE},{RECONCILE_MODULE}", "--load-language=fr_FR"]
            init.append("--stop-after-init")
            run(
                odoo_cmd(
                    python,
                    conf,
                    "-d",
                    DEMO_DB,
                    *init,
                    f"--logfile={os.path.join(LOGS, 'demo-init.log')}",
                )
            )
            shell = [python, "-m", "odoo", "shell", "-c", conf, "-d", DEMO_DB]
            script = "env.ref('base.user_admin').lang = 'fr_FR'; env.cr.commit()\n"
            run([*shell, "--no-http"], input=script, text=True, quiet=True)
        else:
            # In step with the code, its French included (an update keeps
            # the translations of an earlier version otherwise).
            args += ["-u", MODULE, "--i18n-overwrite"]
        log = open(os.path.join(LOGS, "demo.log"), "a", encoding="utf-8")  # noqa: SIM115
        server = subprocess.Popen(
            odoo_cmd(python, conf, *args),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with open(DEMO_PID, "w", encoding="utf-8") as handle:
            handle.write(str(server.pid))
        if not wait_http(f"{url}/web/login", 300):
            raise SetupError(f"Odoo did not answer on {url}: see {LOGS}/demo.log")
    say(f"Odoo demo: {url}  (login: admin, password: admin; database {DEMO_DB})")
    say("Stop it with: make stop")
    return 0


def cmd_stop(_args):
    pid = demo_pid()
    if pid:
        os.killpg(pid, signal.SIGTERM)
        for _wait in range(30):
            if not demo_pid():
                break
            time.sleep(0.5)
        say(f"Odoo demo stopped (PID {pid})")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(DEMO_PID)
    with contextlib.suppress(SetupError):
        pg_stop()
    return 0


# ---------------------------------------------------------------------------- i18n


def _drop_run_occurrences(pot):
    """Odoo's export follows the ``.run/addons`` link back into the addon and
    lists every source again under ``.run/…``, the OCA addons unpacked there
    included: keep the real paths, and the terms found there only."""
    with open(pot, encoding="utf-8") as handle:
        entries = handle.read().split("\n\n")
    kept = []
    for entry in entries:
        lines = entry.split("\n")
        places = [line for line in lines if line.startswith("#:")]
        if places and all("/.run/" in line for line in places):
            continue
        kept.append(
            "\n".join(
                line
                for line in lines
                if not (line.startswith("#:") and "/.run/" in line)
            )
        )
    with open(pot, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(kept))


def cmd_pot(_args):
    """Regenerate the .pot from a fresh database with the addon installed."""
    python, reason = find_odoo(install=False)
    if not python:
        raise SetupError(f"no Odoo 18 runtime: {reason}")
    started = pg_start()
    try:
        conf = write_odoo_conf(python)
        database = "urssaf_i18n"
        copy_db(ensure_template(python, conf), database)
        pot = os.path.join(ROOT, "i18n", f"{MODULE}.pot")
        log = f"--logfile={os.path.join(LOGS, 'pot.log')}"
        run(
            odoo_cmd(
                python, conf, "-d", database, "-i", MODULE, "--stop-after-init", log
            )
        )
        export = [f"--i18n-export={pot}", f"--modules={MODULE}", "--stop-after-init"]
        run(odoo_cmd(python, conf, "-d", database, *export, log))
        drop_db(database)
        _drop_run_occurrences(pot)
    finally:
        if started:
            pg_stop()
    say(f"wrote {pot}")
    return 0


# ---------------------------------------------------------------------------- lint


def cmd_lint(_args):
    python = dev_python()
    ensure_python_requirements(python, "requirements-lint.txt")
    # The addon package, plus the script folders pylint does not enter alone.
    scripts = glob.glob(os.path.join(ROOT, "tools", "*.py"))
    scripts += glob.glob(os.path.join(ROOT, "lib", "tests", "*.py"))
    pylint_targets = ["--score=n", ".", *sorted(scripts)]
    steps = [
        [python, "-m", "ruff", "check", "--no-fix", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *pylint_targets],
        [python, "-m", "pylint", "--rcfile=.pylintrc", *pylint_targets],
        [python, "tools/gen_readme.py", "--check"],
        [python, "tools/check_i18n.py"],
    ]
    failed = [
        " ".join(step[1:3])
        for step in steps
        if run(step, check=False, cwd=ROOT).returncode
    ]
    say("lint: " + (f"FAILED ({', '.join(failed)})" if failed else "clean"))
    return 1 if failed else 0


def run_tool(script, args):
    """Run a script of tools/ with the interpreter that has Odoo."""
    python, reason = find_odoo()
    if not python:
        raise SetupError(f"no Odoo 18 runtime: {reason}")
    tool = [python, os.path.join(ROOT, "tools", script), *args.rest]
    return run(tool, check=False).returncode


# Every path of ``make bench``: (what, script, its arguments).
BENCHES = (
    ("refresh, N = 10,000, RTT 20 ms", "bench_refresh.py", []),
    (
        "refresh, every status changing, N = 1,000",
        "bench_refresh.py",
        ["--n", "1000", "--changes", "1", "--no-tracemalloc"],
    ),
    ("sending, N = 500", "bench_send.py", ["--n", "500"]),
    ("sending, N = 1,000", "bench_send.py", ["--n", "1000"]),
    ("sending, N = 10,000", "bench_send.py", ["--n", "10000"]),
    ("the screens' filters at 1,000,000 rows", "bench_indexes.py", []),
    ("k = 1, 2, 4 Odoo servers, RTT 100 ms", "bench_scale.py", []),
)


def cmd_bench(args):
    """Every benchmark in turn (``args.rest``, e.g. ``--reuse-db``, given to
    each), then which met their targets."""
    outcomes = []
    for label, script, extra in BENCHES:
        say(f"\n######## {label} (tools/{script} {' '.join(extra)})")
        code = run_tool(script, argparse.Namespace(rest=[*extra, *args.rest]))
        outcomes.append((label, code))
    say("\n######## summary")
    for label, code in outcomes:
        verdict = {0: "all targets met", 1: "target MISSED"}.get(code, "set-up failed")
        say(f"{label}: {verdict}")
    return max(code for _label, code in outcomes)


def cmd_system_packages(_args):
    """Print the Debian packages missing for ``make test`` and ``make demo``
    (and for installing Odoo when no Odoo 18 is found), one line."""
    uses = ["test", "demo"]
    if not find_odoo(install=False)[0]:
        uses += ["venv", "odoo"]
    say(" ".join(missing_system_packages(*uses)))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = {
        "test": cmd_test,
        "demo": cmd_demo,
        "stop": cmd_stop,
        "lint": cmd_lint,
        "pot": cmd_pot,
        "bench": cmd_bench,
        "bench-refresh": lambda args: run_tool("bench_refresh.py", args),
        "bench-scale": lambda args: run_tool("bench_scale.py", args),
        "bench-indexes": lambda args: run_tool("bench_indexes.py", args),
        "bench-send": lambda args: run_tool("bench_send.py", args),
        "faults": lambda args: run_tool("fault_matrix.py", args),
        "system-packages": cmd_system_packages,
    }
    parser.add_argument("command", choices=sorted(commands))
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        return commands[args.command](args)
    except SetupError as exc:
        say(f"error: {exc}")
        return 2
    except subprocess.CalledProcessError as exc:
        say(f"error: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
