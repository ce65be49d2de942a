"""The project's two commands, for a fresh machine with only Python 3.11 and pip.

    python3 tasks.py app    set up (plus, as root, Chromium and CJK fonts for the bulletin), build the demo
                            warehouse if there is none, serve on :8501
    python3 tasks.py test   set up (plus Chromium and CJK fonts), run ruff and the whole test suite (the
                            browser tests in a second process beside the rest); with arguments, one
                            pytest run with them (python3 tasks.py test tests/test_build.py -k lock)

Set-up is idempotent: the virtual environment in .venv is (re)installed from requirements.lock
only when the lock changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
LOCK = ROOT / "requirements.lock"
# Debian packages: a browser (browser tests, and the bulletin's charts via kaleido), fonts so Chinese renders
# as text, not boxes (and the PDF bulletin embeds them), and poppler-utils (the bulletin tests read PDFs with it).
DEBIAN_PACKAGES = ["chromium", "fonts-noto-cjk", "poppler-utils"]


def run(*cmd: str | Path, **kw) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def setup_python() -> None:
    stamp = VENV / ".lock-sha256"
    want = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want and PY.exists():
        return
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", LOCK)
    stamp.write_text(want)


def setup_debian(*, required: bool) -> None:
    """Chromium and the CJK fonts: the browser tests need them, and so does the bulletin (its charts are
    drawn in Chromium, its PDF embeds the fonts). The app runs without them, only the bulletin fails."""
    missing = [p for p in DEBIAN_PACKAGES if subprocess.run(
        ["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        message = (f"The Debian packages {missing} are missing; install them as root "
                   f"(apt-get install -y {' '.join(missing)})")
        if required:
            sys.exit(f"{message} and run this again.")
        print(f"{message} for the Word/PDF bulletin (通报); the app runs without them.", flush=True)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


def app() -> None:
    setup_python()
    setup_debian(required=False)
    run(PY, "-m", "pipelines", "demo", "--if-missing")
    os.execv(PY, [str(PY), "-m", "streamlit", "run", str(ROOT / "server.py"),
                  "--server.port", os.environ.get("PORT", "8501")])


def test() -> None:
    setup_python()
    setup_debian(required=True)
    run(PY, "-m", "ruff", "check", ".")
    if sys.argv[2:]:  # a chosen test, file or option: one pytest, as asked
        run(PY, "-m", "pytest", *sys.argv[2:])
        return
    # The browser tests spend much of their time waiting on a server and Chromium, the others on one core of
    # Python: run the two halves side by side (two processes; each has its own temporary folders and ports).
    # The other half's output is streamed, the browser half's printed when it ends.
    log = ROOT / "test-artifacts" / "browser-tests.log"
    log.parent.mkdir(exist_ok=True)
    print(f"$ {PY} -m pytest -m browser   (beside the rest; output in {log.relative_to(ROOT)})", flush=True)
    with log.open("w") as out:
        browser = subprocess.Popen([str(PY), "-m", "pytest", "-m", "browser"], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
        try:
            print(f"$ {PY} -m pytest -m 'not browser'", flush=True)
            rest = subprocess.run([str(PY), "-m", "pytest", "-m", "not browser"], cwd=ROOT).returncode
            browser_code = browser.wait()
        finally:
            if browser.poll() is None:
                browser.kill()
    print(log.read_text(), flush=True)
    failed = [half for half, code in (("the browser tests", browser_code), ("the other tests", rest)) if code]
    if failed:
        sys.exit("tests failed: " + " and ".join(failed))


if __name__ == "__main__":
    commands = {"app": app, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as e:
        sys.exit(e.returncode)
