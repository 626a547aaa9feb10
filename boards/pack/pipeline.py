"""One way through: snapshot → movement → HTML → PDF, for issued packs and drafts alike."""

import datetime
from dataclasses import dataclass

from boards.pack.render import RenderedPack, render_html, render_pdf
from boards.pack.snapshot import pack_snapshot


@dataclass(frozen=True)
class BuiltPack:
    snapshot: dict
    html: str
    rendered: RenderedPack


def build(
    *, plan, as_at: datetime.date, board=None, meeting=None, draft=False, version=None
) -> BuiltPack:
    snapshot = pack_snapshot(plan=plan, as_at=as_at, board=board, meeting=meeting)
    html = render_html(snapshot, draft=draft, version=version)
    return BuiltPack(snapshot=snapshot, html=html, rendered=render_pdf(html))
