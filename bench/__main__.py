"""`make bench`: every benchmark at the demo size and at 10×, in one table.

Each bench/bench_*.py module's `measure(scale)` runs in a process of its own per scale (its own
scratch database; a process apiece keeps one's data and caches from skewing the next). The child
prints its figures as one marker line on stdout (bench/figures.py) and everything else on
stderr; this process gathers them and prints one markdown table. A full run (every module of the
table at every default scale) also writes the table into bench/README.md.

    python -m bench                  the table (BENCH_SCALES=1 for the demo size alone)
    python -m bench bench_pages ...  those modules' rows only; bench/README.md is left alone
"""

import datetime
import importlib
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import by_figure, decode, encode, table
from bench.markers import write_block

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
DEFAULT_SCALES = (1, 10)


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))


def in_table(name: str) -> bool:
    """Whether the default run includes the module: a module may set IN_TABLE = False."""
    source = (HERE / f"{name}.py").read_text()
    return "\nIN_TABLE = False" not in source


def scales() -> tuple[int, ...]:
    chosen = os.environ.get("BENCH_SCALES")
    if not chosen:
        return DEFAULT_SCALES
    return tuple(int(n) for n in chosen.split(",") if n.strip())


def child(name: str, scale: int) -> None:
    """In the child: the module's figures at `scale` on the real stdout, all else on stderr."""
    figures_out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(HERE.parent))
    django.setup()
    figures = importlib.import_module(f"bench.{name}").measure(scale)
    figures_out.write(encode(figures) + "\n")
    figures_out.flush()


def run(name: str, scale: int) -> tuple[list, bool]:
    print(f"== {name} at {scale}×", file=sys.stderr, flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--child", name, str(scale)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    print(f"   {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return decode(result.stdout), result.returncode == 0


def heading(ran: tuple[int, ...]) -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    sizes = " and ".join("the demo size" if s == 1 else f"{s}×" for s in ran)
    return [
        f"{datetime.date.today():%d %B %Y}, {database}, {os.cpu_count()} cores; {sizes}.",
        "",
    ]


def write_readme(lines: list[str]) -> None:
    write_block(
        README, lines, name="bench", heading="## The table (`make bench`)", empty="# Benchmarks\n"
    )


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
        return 0
    chosen = sys.argv[1:]
    names = chosen or [name for name in modules() if in_table(name)]
    ran = scales()
    figures, failed = [], []
    for name in names:
        for scale in ran:
            found, ok = run(name, scale)
            figures += found
            if not ok:
                failed.append(f"{name} at {scale}×")
    lines = heading(ran) + table(by_figure(figures))
    print("\n".join(lines))
    if failed:
        print("failed:", ", ".join(failed))
    elif not chosen and ran == DEFAULT_SCALES:
        write_readme(lines)
        print(f"\nWritten to {README.relative_to(HERE.parent)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
