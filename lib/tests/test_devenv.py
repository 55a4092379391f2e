"""The tooling's choice of interpreter and the Odoo requirements it installs.

``tools/devenv.py`` is standard library only and imports no Odoo: it is loaded
from its path, with fake interpreters standing in for Pythons with or without
Odoo.
"""

import importlib.util
import io
import os
import stat
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    "devenv", os.path.join(ROOT, "tools", "devenv.py")
)
devenv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devenv)

ODOO_LINES = [
    "asn1crypto==1.4.0 ; python_version < '3.11'\n",
    "cbor2==5.4.2 ; python_version < '3.12'\n",
    "cbor2==5.6.2 ; python_version >= '3.12'\n",
    "gevent==22.10.2; sys_platform != 'win32'  # (Bookworm)\n",
    "Python_Ldap==3.4.0 ; sys_platform != 'win32'\n",
]


def fake_python(folder, name, major=None):
    """An executable answering the Odoo version probe like a Python would."""
    path = os.path.join(folder, name)
    body = f"echo {major}" if major else "echo 'No module named odoo' >&2; exit 1"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"#!/bin/sh\n{body}\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """No $ODOO_PYTHON, a PATH holding only our fakes, no venv yet."""
    monkeypatch.delenv("ODOO_PYTHON", raising=False)
    monkeypatch.delenv("ODOO_SOURCE_URL", raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(devenv, "VENV_PYTHON", str(tmp_path / "venv" / "python"))
    installs = []

    def install():
        installs.append(True)
        fake_python(str(tmp_path / "venv"), "python", "18")
        return ""

    (tmp_path / "venv").mkdir()
    monkeypatch.setattr(devenv, "install_odoo_venv", install)
    return bin_dir, installs


def test_constraints_replace_every_pin_of_their_package():
    lines = devenv.odoo_requirements(
        ODOO_LINES,
        [
            "# a comment\n",
            "\n",
            "cbor2==5.4.6 ; python_version < '3.12'  # builds on 3.11\n",
            "python-ldap==3.4.4\n",
        ],
    )
    assert lines == [
        "asn1crypto==1.4.0 ; python_version < '3.11'",
        "gevent==22.10.2; sys_platform != 'win32'  # (Bookworm)",
        "cbor2==5.4.6 ; python_version < '3.12'  # builds on 3.11",
        "python-ldap==3.4.4",
    ]


def test_repository_constraints_pin_a_cbor2_that_builds_on_3_11():
    with open(devenv.ODOO_CONSTRAINTS, encoding="utf-8") as handle:
        lines = devenv.odoo_requirements(ODOO_LINES, handle.readlines())
    cbor2 = [line for line in lines if devenv.requirement_name(line) == "cbor2"]
    assert any(
        line.startswith("cbor2==5.4.6 ; python_version < '3.12'") for line in cbor2
    )
    assert not any(line.startswith("cbor2==5.4.2") for line in lines)


def test_odoo_python_wins(machine, tmp_path, monkeypatch):
    bin_dir, installs = machine
    fake_python(str(bin_dir), "python3", "18")
    mine = fake_python(str(tmp_path), "mine", "18")
    monkeypatch.setenv("ODOO_PYTHON", mine)
    assert devenv.find_odoo() == (mine, "")
    assert not installs


def test_odoo_python_without_odoo_18_is_an_error_not_an_install(
    machine, tmp_path, monkeypatch
):
    _bin_dir, installs = machine
    monkeypatch.setenv("ODOO_PYTHON", fake_python(str(tmp_path), "old", "17"))
    python, reason = devenv.find_odoo()
    assert python is None
    assert "has Odoo 17, not 18" in reason
    assert not installs


def test_python3_with_odoo_18_is_used_as_it_is(machine):
    bin_dir, installs = machine
    fake_python(str(bin_dir), "python3", "18")
    assert devenv.find_odoo() == ("python3", "")
    assert not installs


def test_without_odoo_our_venv_is_installed_then_reused(machine):
    bin_dir, installs = machine
    fake_python(str(bin_dir), "python3")
    assert devenv.find_odoo() == (devenv.VENV_PYTHON, "")
    assert devenv.find_odoo() == (devenv.VENV_PYTHON, "")
    assert len(installs) == 1


def test_no_install_asked_says_why(machine):
    bin_dir, installs = machine
    fake_python(str(bin_dir), "python3", "17")
    python, reason = devenv.find_odoo(install=False)
    assert python is None
    assert reason == "python3 has Odoo 17, not 18"
    assert not installs


def test_missing_system_packages_named_with_the_apt_command(monkeypatch):
    monkeypatch.setattr(
        devenv,
        "SYSTEM_PACKAGES",
        (
            ("postgresql", ("test",), lambda: True),
            ("chromium", ("test",), lambda: None),
            ("libpq-dev", ("odoo",), lambda: None),
        ),
    )
    assert devenv.missing_system_packages("test") == ["chromium"]
    with pytest.raises(devenv.SetupError) as error:
        devenv.require_system_packages("test", "odoo")
    assert str(error.value).endswith("sudo apt-get install -y chromium libpq-dev")


def source_archive(path, version):
    with tarfile.open(path, "w:gz") as tar:
        release = f"version_info = ({version}, 0, 0, 'final', 0, '')\n".encode()
        info = tarfile.TarInfo("odoo-18.0.post20250801/odoo/release.py")
        info.size = len(release)
        tar.addfile(info, io.BytesIO(release))
    return f"file://{path}"


def test_source_from_a_local_archive(tmp_path, monkeypatch):
    monkeypatch.setattr(devenv, "RUN", str(tmp_path / "run"))
    monkeypatch.setattr(devenv, "ODOO_SRC", str(tmp_path / "run" / "odoo-src"))
    url = source_archive(tmp_path / "odoo.tar.gz", 18)
    folder = devenv.fetch_odoo_source(url)
    assert folder == str(tmp_path / "run" / "odoo-src" / "odoo-18.0.post20250801")
    os.unlink(tmp_path / "odoo.tar.gz")  # the second call reuses what is unpacked
    assert devenv.fetch_odoo_source(url) == folder


def test_source_of_another_odoo_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(devenv, "RUN", str(tmp_path / "run"))
    monkeypatch.setattr(devenv, "ODOO_SRC", str(tmp_path / "run" / "odoo-src"))
    with pytest.raises(devenv.SetupError, match="not Odoo 18.0"):
        devenv.fetch_odoo_source(source_archive(tmp_path / "odoo.tar.gz", 17))
