"""A real office suite for the tests: Debian's LibreOffice (libreoffice-writer-nogui) opens the
Word documents the command writes, and its UNO bridge (python3-uno) accepts or rejects their
tracked changes. Tests that need it are skipped, saying what to install, where it is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
UNO_PYTHON = "/usr/bin/python3"  # the Python python3-uno installs the bridge for
_SCRIPT = Path(__file__).with_name("uno_revisions.py")


def _has_uno() -> bool:
    try:
        return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    except OSError:
        return False


needs_office = pytest.mark.skipif(
    SOFFICE is None, reason="needs LibreOffice (apt-get install libreoffice-writer-nogui)"
)
needs_uno = pytest.mark.skipif(
    SOFFICE is None or not _has_uno(),
    reason="needs LibreOffice and its UNO bridge (apt-get install libreoffice-writer-nogui "
    "python3-uno)",
)


def _profile(folder: Path) -> str:
    """A LibreOffice user profile of the test's own: parallel tests never share one."""
    return f"-env:UserInstallation=file://{folder / 'office-profile'}"


def converted_text(document: Path, folder: Path) -> str:
    """The document's text as LibreOffice converts it (soffice --convert-to txt)."""
    out = folder / "converted"
    subprocess.run(
        [
            SOFFICE,
            _profile(folder),
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            out,
            document,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / document.with_suffix(".txt").name).read_text(encoding="utf-8-sig")


def revised_text(document: Path, action: str, folder: Path) -> tuple[int, str]:
    """The tracked changes left and the body's text once LibreOffice has applied `action`
    (accept, reject or keep) to all of them."""
    done = subprocess.run(
        [UNO_PYTHON, _SCRIPT, document, action, folder / "uno-profile"],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    count, _, text = done.stdout.partition("\n")
    return int(count), text
