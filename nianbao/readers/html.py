"""Read an HTML report page with lxml: each data table's <tr> a tabular row, each block of text a text row."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from nianbao.document import Document, ReadError, Row
from nianbao.normalize import between_ascii_words, join_lines, raised_digits, touches_ascii

_BLOCKS = frozenset(
    "address article aside blockquote caption center dd details dir div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main menu nav ol p pre section summary table tbody td tfoot th thead "
    "tr ul".split()
)
# Never displayed: scripts, styles, Word's XML islands and Office namespace tags (<o:p>&nbsp;</o:p>, <w:...>).
_HIDDEN = frozenset("head script style noscript template xml select textarea".split())
_OFFICE_PREFIXES = ("o:", "w:", "m:", "v:")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_DECLARED = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)  # bounded: a tag is short
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "csgb2312", "euc-cn", "hz-gb-2312"})
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_html(path: Path) -> Document:
    """Read an HTML page into rows, in document order, with its <title>."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "no such file")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(path, "empty file")
    root = _parse(path, _decode(path, data))
    title = join_lines(root.findtext(".//title") or "", touches_ascii)
    rows = _Walker().rows(root)
    if not rows:
        raise ReadError(path, "no text in the page")
    return Document(path=path, kind="html", rows=rows, title=title)


def _decode(path: Path, data: bytes) -> str:
    """Decode as the page declares (BOM, then <meta> charset), else as UTF-8, else as GB18030."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data:
        raise ReadError(path, "binary data, not an HTML page")
    candidates = [_declared_codec(data), "utf-8", "gb18030"]
    for codec in dict.fromkeys(c for c in candidates if c):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError(path, "cannot decode the page: neither its declared charset, UTF-8 nor GB18030 fits")


def _declared_codec(data: bytes) -> str | None:
    """The charset a <meta> tag declares, with the GB2312/GBK family widened to its superset GB18030."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", errors="ignore").lower()
    return "gb18030" if name in _GB_FAMILY else name


# Plain elements (lxml.html's element classes cost a lookup per node visited). huge_tree lifts libxml2's nesting
# limit from 256 to 2048 levels: below 256 it drops the rest of a page without an error.
_PARSER = etree.HTMLParser(huge_tree=True)


def _parse(path: Path, text: str) -> etree._Element:
    """Parse the decoded page; lxml refuses str input that still carries an XML encoding declaration."""
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1), _PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ReadError(path, f"not a readable HTML page: {error}") from error
    limit = next((e for e in _PARSER.error_log if e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT), None)
    if limit is not None:  # the parser stopped: what follows would be lost without a word
        raise ReadError(path, f"the page was cut: the HTML parser stopped at line {limit.line}, column "
                              f"{limit.column} ({limit.message.strip()}), so the rest of the page cannot be read")
    if root is None:
        raise ReadError(path, "not a readable HTML page: no elements")
    return root


def _tag(node: etree._Element) -> str | None:
    """Lower-case tag name, or None for comments (Word's conditional comments) and processing instructions."""
    return node.tag.lower() if isinstance(node.tag, str) else None


def _hidden(node: etree._Element, tag: str) -> bool:
    if tag in _HIDDEN or tag.startswith(_OFFICE_PREFIXES):
        return True
    style = node.get("style")
    return style is not None and "none" in style.lower() and bool(_DISPLAY_NONE.search(style))


class _Walker:
    """Walks the page in document order, emitting a text row per block and a tabular row per data-table <tr>.

    A data table is a table with no table inside it. A table that contains tables is page layout
    (navigation, a frame around the report): its cells are read as blocks of text, its inner tables as tables.
    """

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._pending: list[str] = []
        self._paragraphs = 0
        self._tables = 0

    def rows(self, root: etree._Element) -> list[Row]:
        """Every row of the page, in document order."""
        self._visit(root)
        self._flush()
        return self._rows

    def _visit(self, root: etree._Element) -> None:
        """Depth first with a stack of its own: pages nest up to 2048 levels, deeper than Python's recursion."""
        stack: list[tuple[etree._Element, bool, bool]] = [(root, True, False)]  # node, entering, inside a <sup>
        while stack:
            node, entering, raised = stack.pop()
            tag = _tag(node)
            if entering and tag is not None and not _hidden(node, tag):
                if tag == "table" and node.find(".//table") is None:
                    self._flush()
                    self._table(node)
                else:
                    if tag in _BLOCKS or tag == "br":
                        self._flush()
                    inner = raised or tag == "sup"
                    if node.text:
                        self._pending.append(raised_digits(node.text) if inner else node.text)
                    stack.append((node, False, raised))
                    stack.extend((child, True, inner) for child in reversed(node))
                    continue
            elif not entering and tag in _BLOCKS:
                self._flush()
            if node is not root and node.tail:
                self._pending.append(raised_digits(node.tail) if raised else node.tail)

    def _flush(self) -> None:
        """End the current block: its text, if any, becomes a text row."""
        text = join_lines("".join(self._pending), touches_ascii)
        self._pending.clear()
        if text:
            self._paragraphs += 1
            self._rows.append(Row((text,), f"paragraph {self._paragraphs}"))

    def _table(self, table: etree._Element) -> None:
        """The caption as text, then one tabular row per <tr> that prints anything."""
        for caption in table.iter("caption"):
            self._pending.extend(_pieces(caption))
            self._flush()
        rows = [cells for cells in map(_cells, table.iter("tr")) if any(cells)]
        if rows:
            self._tables += 1
            for number, cells in enumerate(rows, start=1):
                self._rows.append(Row(cells, f"table {self._tables}, row {number}", tabular=True))


def _cells(tr: etree._Element) -> tuple[str, ...]:
    """Each visible <td>/<th> is one cell, in order: rowspan and colspan are not expanded."""
    return tuple(_cell_text(cell) for cell in tr.iterchildren("td", "th") if not _hidden(cell, cell.tag))


def _cell_text(cell: etree._Element) -> str:
    """The printed text of a cell: its lines (<br>, <p>, <div>) joined as the PDF reader joins wrapped lines."""
    if len(cell) == 1 and len(cell[0]) == 0 and (tag := _tag(cell[0])) not in (None, "br") and not _hidden(cell[0], tag):
        # most cells are <td><p>text</p></td>: the same text, without walking the tree
        inner = raised_digits(cell[0].text or "") if tag == "sup" else cell[0].text or ""
        text = (cell.text or "") + ("\n" if tag in _BLOCKS else "") + inner + (cell[0].tail or "")
    else:
        text = "".join(_pieces(cell))
    return join_lines(text, between_ascii_words)


def _pieces(node: etree._Element) -> list[str]:
    """The visible text under a node, with a newline at each line break and block boundary."""
    pieces = [node.text or ""]
    # Elements still to enter and the tails that follow them, each marked when it stands inside a <sup>.
    stack: list[tuple[etree._Element | str, bool]] = []
    for child in reversed(node):
        stack += [(child.tail or "", False), (child, False)]
    while stack:
        item, raised = stack.pop()
        if isinstance(item, str):
            pieces.append(raised_digits(item) if raised else item)
            continue
        tag = _tag(item)
        if tag is None or _hidden(item, tag):
            continue
        if tag in _BLOCKS or tag == "br":
            pieces.append("\n")
        inner = raised or tag == "sup"
        pieces.append(raised_digits(item.text or "") if inner else item.text or "")
        for child in reversed(item):
            stack += [(child.tail or "", inner), (child, inner)]
    return pieces


