"""One way through: snapshot → movement → HTML → PDF, for issued packs and drafts alike.

A pack has two copies from one snapshot: the reading copy the board reads, and the archive
copy, which adds the full action plan as an appendix.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from boards.pack.render import RenderedPack, render_html, render_pdf
from boards.pack.snapshot import pack_snapshot


@dataclass(frozen=True)
class BuiltPack:
    snapshot: dict
    html: str
    rendered: RenderedPack


def build(
    *,
    plan,
    as_at: datetime.date,
    board=None,
    meeting=None,
    draft=False,
    version=None,
    appendix=False,
    on_stage: Callable[[str], None] | None = None,
) -> BuiltPack:
    """The reading copy, or with `appendix` the archive copy. `on_stage` is told "snapshot" and
    "render" as each step begins (a worker's build stores them for its status page)."""
    tell = on_stage or (lambda stage: None)
    tell("snapshot")
    snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board, meeting=meeting)
    tell("render")
    html = render_html(snapshot, draft=draft, version=version, appendix=appendix)
    return BuiltPack(snapshot=snapshot, html=html, rendered=render_pdf(html))


def archive_copy(built: BuiltPack, *, draft=False, version=None) -> RenderedPack:
    """The archive copy of a built pack: its own snapshot, with the full action plan."""
    return render_pdf(render_html(built.snapshot, draft=draft, version=version, appendix=True))
