"""`make bench`: runs every bench/bench_*.py module's main() and prints its report."""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    only = set(sys.argv[1:])
    here = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.startswith("bench_") or (only and info.name not in only):
            continue
        print(f"== {info.name}", flush=True)
        importlib.import_module(f"bench.{info.name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
