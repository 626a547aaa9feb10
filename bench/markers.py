"""A block a benchmark writes into a document between two markers, leaving the prose around it."""

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: start -->", f"<!-- {name}: end -->"


def replace_block(text: str, lines: list[str], *, name: str, heading: str = "") -> str:
    """`text` with its `name` block replaced by `lines`, or the block appended (under
    `heading`, if given) when it has none."""
    start, end = markers(name)
    block = "\n".join([start, *lines, end])
    if start in text and end in text:
        head, rest = text.split(start, 1)
        return head + block + rest.split(end, 1)[1]
    lead = f"\n\n{heading}\n" if heading else "\n\n"
    return text.rstrip() + lead + block + "\n"


def write_block(
    path: Path, lines: list[str], *, name: str, heading: str = "", empty: str = ""
) -> None:
    text = path.read_text() if path.exists() else empty
    path.write_text(replace_block(text, lines, name=name, heading=heading))
