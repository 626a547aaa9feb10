"""What PDF/UA-1 asks of the pack's tags beyond what WeasyPrint writes, as a write_pdf finisher.

WeasyPrint builds the structure tree page by page, so a table that runs over three pages becomes
three Table elements, each with its own copy of the repeated header row tagged as content; its
header cells carry IDs but no Scope; and the running heads and page numbers in the margins are
marked as content whose structure elements hang from no parent. The finisher mends the tree in
WeasyPrint's own objects before they are written, which costs one walk over the boxes and the
tags rather than a second parse of the PDF:

- the fragments of one HTML table become one Table element; the header rows repeated on later
  pages leave the tree and their cells' Headers point at the first page's header cells;
- every header cell says whether it heads a row or a column (/Scope);
- content no structure element in the tree owns (running heads, repeated header rows) is
  re-marked in the page's content stream as a pagination artefact.
"""

from collections import defaultdict

import pydyf
from weasyprint.formatting_structure import boxes

SCOPES = {"row": "/Row", "rowgroup": "/Row"}  # WeasyPrint treats every other header as a column's
PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})
NULL = b"null"


def finish(document, pdf) -> None:
    """The finisher for `Document.write_pdf`, when the PDF is tagged."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = _Tree(pdf)
    for fragments in _table_fragments(document, tree).values():
        _join(fragments, tree)
    tree.mark_orphans_as_artefacts()


class _Tree:
    """WeasyPrint's structure objects, looked up by the references that link them."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]

    def kids(self, element) -> list:
        return [
            self.get(kid) for kid in element["K"] if isinstance(kid, bytes) and "S" in self.get(kid)
        ]

    def adopt(self, parent, element) -> None:
        parent["K"].append(element.reference)
        element["P"] = parent.reference

    def detach(self, element) -> None:
        """Take an element out of its parent, and the parent too if it is left empty."""
        parent = self.get(element["P"])
        parent["K"].remove(element.reference)
        if not parent["K"] and parent.get("S") not in (None, "/Document"):
            self.detach(parent)

    def reachable(self) -> set[int]:
        seen, stack = set(), [self.root]
        while stack:
            element = stack.pop()
            for kid in element.get("K", ()):
                if isinstance(kid, bytes):
                    child = self.get(kid)
                    if "S" in child and child.number not in seen:
                        seen.add(child.number)
                        stack.append(child)
        return seen

    def mark_orphans_as_artefacts(self) -> None:
        in_tree = self.reachable()
        nums = self.get(self.root["ParentTree"])["Nums"]
        pages = [self.get(reference) for reference in self.pdf.page_references]
        for number, page in enumerate(pages):
            owners = nums[2 * number + 1]
            orphans = set()
            for mcid, owner in enumerate(owners):
                if owner != NULL and int(owner.split()[0]) not in in_tree:
                    orphans.add(mcid)
                    owners[mcid] = NULL
            if orphans:
                self._remark(self.get(page["Contents"]), page["Resources"], orphans, set())

    def _remark(self, stream, resources, mcids: set[int], seen: set[int]) -> None:
        """Turn the marked-content sequences with these MCIDs into artefacts, in place.

        pydyf keeps a stream as the list of operands and operators WeasyPrint wrote, so a
        sequence `/Span <</MCID 7>> BDC` is three items: tag, property list, operator.
        """
        seen.add(stream.number)
        chunks = stream.stream
        # A hundred-page pack has half a million items: exact type checks keep this walk cheap.
        for index, chunk in enumerate(chunks):
            kind = type(chunk)
            if kind is pydyf.Dictionary:
                if chunk.get("MCID") in mcids:
                    chunks[index - 1] = "/Artifact"
                    chunks[index] = PAGINATION
            elif kind is bytes and chunk[-3:] == b" Do":
                form = self._form(resources, chunk[1:-3].decode())
                if form is not None and form.number not in seen:
                    self._remark(form, form.extra["Resources"], mcids, seen)

    def _form(self, resources, name: str):
        xobjects = self.get(resources).get("XObject", {})
        if name not in xobjects:
            return None
        form = self.get(xobjects[name])
        return form if form.extra.get("Subtype") == "/Form" else None


def _table_fragments(document, tree) -> dict:
    """Each HTML table → its Table elements, one per page it is on, in page order.

    Header cells get their scope on the way: WeasyPrint keeps each cell's element as `mark`.
    """
    fragments = defaultdict(list)
    for page in document.pages:
        for table in _tables(page._page_box):
            cells = [cell for cell in _cells(table) if hasattr(cell, "mark")]
            if not cells:
                continue
            for cell in cells:
                if cell.element_tag == "th":
                    scope = SCOPES.get(cell.element.get("scope"), "/Column")
                    cell.mark["A"]["Scope"] = scope
            row = tree.get(cells[0].mark["P"])
            element = tree.get(row["P"])
            if element["S"] != "/Table":
                element = tree.get(element["P"])
            if not fragments[table.element] or fragments[table.element][-1] is not element:
                fragments[table.element].append(element)
    return fragments


def _tables(box):
    if isinstance(box, boxes.TableBox):
        yield box
    elif isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
        for child in box.children:
            yield from _tables(child)


def _cells(table):
    for group in table.children:
        for row in group.children:
            yield from row.children


def _join(fragments: list, tree: _Tree) -> None:
    first, *rest = fragments
    headers = _header_cells(first, tree)
    for fragment in rest:
        renamed = {}
        for part in tree.kids(fragment):
            kind = part["S"]
            if kind == "/THead":
                # The header row again at the top of a later page: pagination, not content.
                for repeated, original in zip(_header_cells(fragment, tree), headers, strict=False):
                    renamed[repeated["ID"].string] = original["ID"]
                continue
            if kind == "/TFoot":
                # A footer repeated at the foot of each page counts once, on the last.
                for footer in _parts(first, "/TFoot", tree):
                    tree.detach(footer)
            bodies = _parts(first, "/TBody", tree)
            if kind == "/TBody" and bodies:
                for row in tree.kids(part):
                    tree.adopt(bodies[-1], row)
            else:
                tree.adopt(first, part)
        _rename_headers(fragment, renamed, tree)
        tree.detach(fragment)
    # Rows joined after a footer still read before it.
    first["K"].sort(key=lambda kid: isinstance(kid, bytes) and tree.get(kid).get("S") == "/TFoot")


def _parts(table, kind: str, tree: _Tree) -> list:
    return [part for part in tree.kids(table) if part["S"] == kind]


def _header_cells(table, tree) -> list:
    return [
        cell
        for part in tree.kids(table)
        if part["S"] == "/THead"
        for row in tree.kids(part)
        for cell in tree.kids(row)
        if cell["S"] == "/TH"
    ]


def _rename_headers(fragment, renamed: dict, tree: _Tree) -> None:
    if not renamed:
        return
    stack = [fragment]
    while stack:
        element = stack.pop()
        headers = element.get("A", {}).get("Headers")
        if headers:
            element["A"]["Headers"] = pydyf.Array(renamed.get(h.string, h) for h in headers)
        stack.extend(tree.kids(element))
