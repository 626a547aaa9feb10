"""A tagged PDF read the way a screen reader reads it: the structure tree with each element's
text, and the page content that is marked as an artefact instead.

pypdf walks each page's content stream in order; its operator visitor sees the marked-content
operators (BDC, BMC, EMC) and its text visitor the text shown between them, so each piece of
text lands in the marked-content sequence (MCID) or artefact it belongs to.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

ARTEFACT = "Artifact"


@dataclass
class Element:
    role: str
    attributes: dict
    page: int | None
    children: list["Element"] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)
    links: int = 0  # annotations (OBJR) the element owns
    identifier: str | None = None  # /ID, which a table's data cells name in /Headers
    text: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, role: str) -> list["Element"]:
        return [element for element in self.walk() if element.role == role]


@dataclass
class TaggedPdf:
    document: Element
    marked_text: dict[tuple[int, int], str]
    artefact_text: dict[int, str]
    pages: int

    def find(self, role: str) -> list[Element]:
        return self.document.find(role)

    def untreed_content(self) -> set[tuple[int, int]]:
        """Marked content (page, MCID) that no element in the tree owns."""
        owned = {mcid for element in self.document.walk() for mcid in element.mcids}
        return set(self.marked_text) - owned

    def page_elements(self, page: int) -> list[Element]:
        return [e for e in self.document.walk() if any(p == page for p, _ in e.mcids)]


def read(pdf: bytes) -> TaggedPdf:
    reader = PdfReader(io.BytesIO(pdf))
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    marked, artefacts = _marked_text(reader)
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    (document,) = _kids(root)
    tree = _element(document, pages, marked, None)
    return TaggedPdf(tree, marked, artefacts, len(reader.pages))


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def _element(node, pages: dict, marked: dict, page: int | None) -> Element:
    node = node.get_object()
    if "/Pg" in node:
        page = pages[node.raw_get("/Pg").idnum]
    attributes = {}
    for entry in _as_list(node.get("/A")):
        attributes.update({key: value for key, value in entry.get_object().items()})
    element = Element(str(node["/S"])[1:], attributes, page, identifier=node.get("/ID"))
    for kid in _kids(node):
        if isinstance(kid, NumberObject | int):
            element.mcids.append((page, int(kid)))
            continue
        kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if kid.get("/Type") == "/OBJR":
            element.links += 1
        elif kid.get("/Type") == "/MCR":
            element.mcids.append((page, int(kid["/MCID"])))
        else:
            element.children.append(_element(kid, pages, marked, page))
    # Words as read, one space between them: pypdf's own line breaks and spacing are not content.
    parts = [marked.get(mcid, "") for mcid in element.mcids]
    parts += [child.text for child in element.children]
    element.text = " ".join(" ".join(parts).split())
    return element


def _as_list(value) -> list:
    if value is None:
        return []
    value = value.get_object()
    return list(value) if isinstance(value, ArrayObject) else [value]


def _marked_text(reader: PdfReader):
    page = _PageText()
    for number, pdf_page in enumerate(reader.pages):
        page.number, page.stack = number, []
        pdf_page.extract_text(visitor_operand_before=page.operator, visitor_text=page.text)
    return dict(page.marked), dict(page.artefacts)


class _PageText:
    """Follows the marked-content operators so each piece of text lands where it is marked."""

    def __init__(self):
        self.marked: dict[tuple[int, int], str] = defaultdict(str)
        self.artefacts: dict[int, str] = defaultdict(str)
        self.number, self.stack = 0, []

    def operator(self, op, args, cm, tm):
        if op == b"BDC":
            properties = args[1] if isinstance(args[1], DictionaryObject) else {}
            mcid = properties.get("/MCID")
            self.stack.append(ARTEFACT if args[0] == "/Artifact" else mcid)
            if mcid is not None:
                self.marked[(self.number, int(mcid))] += ""
        elif op == b"BMC":
            self.stack.append(ARTEFACT if args[0] == "/Artifact" else None)
        elif op == b"EMC" and self.stack:
            self.stack.pop()

    def text(self, content, cm, tm, font, size):
        if not content:
            return
        if ARTEFACT in self.stack:
            self.artefacts[self.number] += content
        elif self.stack and self.stack[-1] is not None:
            self.marked[(self.number, int(self.stack[-1]))] += content
