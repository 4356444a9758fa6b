"""The same change scored by `pattern-warden delta` under several interpreters: same figures, comparable time?

Issue 25: on Debian 12's python3 (3.11.2) the scanner's regular expressions mis-matched
(CPython gh-106052), so docstrings counted as code and a release range took ten times as long.
This script downloads two releases of a project as sdists with pip, makes a git repository
whose base holds the older release and whose working tree holds the newer one
(``delta_speed.build_real``), and runs ``python -m pattern_warden delta --format json`` once in
a new process per interpreter, printing the code lines added and removed, the net, and the wall
time. Each interpreter is a Python that has pattern-warden installed (a venv's ``bin/python``).

    python bench/delta_interpreters.py --project flask --old 3.0.0 --new 3.1.0 \\
        --python .venv-deb/bin/python --python .venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from delta_speed import DATA, build_real  # noqa: E402  (a sibling script, not a package)


def sdist(project: str, version: str) -> Path:
    """The unpacked sdist of ``project==version`` under bench/.data (downloaded once, by pip)."""
    folder = DATA / "sdists" / f"{project}-{version}"
    if folder.is_dir():
        return folder
    download = DATA / "sdists" / "download"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    "-d", str(download), f"{project}=={version}"], check=True)
    (archive,) = [p for p in download.glob("*.tar.gz") if p.name.lower().startswith(f"{project}-{version}".lower())]
    with tarfile.open(archive) as tar:
        tar.extractall(DATA / "sdists" / "unpacked", filter="data")
    unpacked = DATA / "sdists" / "unpacked" / archive.name.removesuffix(".tar.gz")
    unpacked.rename(folder)
    return folder


def delta(python: str, repo: Path) -> tuple[dict[str, object], float]:
    """The delta model and the wall time of one new process (start, import, count, exit)."""
    start = time.perf_counter()
    done = subprocess.run([python, "-m", "pattern_warden", "delta", "--root", str(repo), "--format", "json"],
                          capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{python}: delta failed: {done.stderr.strip()}")
    return json.loads(done.stdout), elapsed


def main() -> int:
    """Score the release range under each interpreter and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="flask")
    parser.add_argument("--old", default="3.0.0")
    parser.add_argument("--new", default="3.1.0")
    parser.add_argument("--python", action="append", required=True, help="an interpreter with pattern-warden installed")
    args = parser.parse_args()
    old, new = sdist(args.project, args.old), sdist(args.project, args.new)
    repo = build_real(old, new)
    print(f"change: {args.project} {args.old} -> {args.new} (sdists), one run per interpreter")
    for python in args.python:
        version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        model, elapsed = delta(python, repo)
        files = model.get("files") or []
        added = sum(f["code_added"] for f in files)
        removed = sum(f["code_removed"] for f in files)
        print(f"python {version} ({python}): +{added}/-{removed} code lines (net {added - removed:+d}) "
              f"in {len(files)} files; {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
