"""`make bench`: runs every bench/bench_*.py module's main(), each in its own process.

Each benchmark builds its own scratch database; a process apiece keeps one's data and caches
from skewing the next. `python -m bench bench_pages` runs one in this process.
"""

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_one(name: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(HERE.parent))
    django.setup()
    importlib.import_module(f"bench.{name}").main()


def main() -> int:
    if len(sys.argv) > 1:
        for name in sys.argv[1:]:
            run_one(name)
        return 0
    failed = []
    for info in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        print(f"== {info.name}", flush=True)
        result = subprocess.run([sys.executable, "-m", "bench", info.name], cwd=HERE.parent)
        if result.returncode:
            failed.append(info.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
