"""The site's own font: Noto Sans CJK SC (as the mplfonts package ships it) cut down with fontTools to the characters
the pages show, as WOFF, with its SIL Open Font License notice beside it, so that Chinese shows on a machine without
a CJK font and the folder can be mailed or served as it is."""

from __future__ import annotations

import io
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

FONT_FAMILY = "Nianbao Noto Sans SC"  # as declared in static/site.css
FONT_FILE = "fonts/NotoSansSC-subset.woff"
FONT_LICENSE = "fonts/OFL.txt"
FONT_SOURCE = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")  # package, file in it
OFL_FILE = Path(__file__).parent / "static" / "OFL-1.1.txt"
# Always in the font, whatever the pages say: printable ASCII, Latin-1 punctuation (·, ×, …), general
# punctuation (–, —, ‘’, “”, …, ‰, †), arrows, CJK symbols and punctuation (、。《》「」【】…), full-width forms (，：；（）…).
FONT_ALWAYS = "".join(
    chr(c) for lo, hi in [(0x20, 0x7E), (0xA0, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2010, 0x2030),
                          (0x2190, 0x2193), (0x3000, 0x303F), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE6)]
    for c in range(lo, hi + 1)
)


class _TextOf(HTMLParser):
    """The text a reader sees in an HTML page: text nodes (not scripts or styles) and alt/title/label attributes."""

    SKIP = {"script", "style", "template"}
    SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "value"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping.append(tag)
        self.parts += [v for k, v in attrs if k in self.SHOWN_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def page_text(page_html: str) -> str:
    """Every character a reader can see in a page, images (data: URIs) aside."""
    parser = _TextOf()
    parser.feed(page_html)
    parser.close()
    return "".join(parser.parts)


def font_source() -> Path:
    """The OpenType font the site's font is cut from (mplfonts' Noto Sans CJK SC)."""
    import importlib.util

    package, file = FONT_SOURCE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        raise SystemExit(f"error: the {package} package is missing: pip install -r requirements.txt")
    path = Path(spec.origin).parent / file
    if not path.is_file():
        raise SystemExit(f"error: {path} is missing: reinstall {package}")
    return path


def write_font(pages: list[Path], site: Path) -> Path:
    """Cut the font down to the characters of every page (plus FONT_ALWAYS), write it as WOFF with its licence.

    Deterministic: the same pages give the same bytes (fontTools keeps the source's head dates when it
    is not asked to recalculate them, and zlib is deterministic)."""
    from fontTools import subset

    shown: set[str] = set()
    for page in pages:
        shown |= set(page_text(page.read_text(encoding="utf-8")))
    shown = {c for c in shown if unicodedata.category(c) != "Cc"}  # no newlines, tabs or other controls
    options = subset.Options()
    options.flavor = "woff"  # zlib: every browser since 2012, no brotli needed
    options.name_IDs = ["*"]  # keep the copyright, trademark and licence records
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]  # vertical writing: the pages are horizontal
    options.recalc_timestamp = False
    source = font_source()
    font = subset.load_font(str(source), options, dontLoadGlyphNames=True)
    cmap = font.getBestCmap()
    lacking = sorted(c for c in shown if ord(c) not in cmap and not c.isspace() and unicodedata.category(c) != "Cf")
    if lacking:
        print(f"warning: the font has no glyph for {''.join(lacking)!r}: the reader's own fonts show them",
              file=sys.stderr)
    copyright_line = font["name"].getDebugName(0) or "Copyright © Adobe (http://www.adobe.com/)."
    trademark = font["name"].getDebugName(7) or ""
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in shown | set(FONT_ALWAYS) if ord(c) in cmap))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    font.close()
    path = site / FONT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    notice = (
        f"{FONT_FILE.split('/')[-1]}: a subset of Noto Sans CJK SC Regular ({source.name}, as shipped by the\n"
        f"mplfonts package), cut down by publish/fonts.py with fontTools to the characters these pages use.\n\n"
        f"{copyright_line.rstrip('.')}, with Reserved Font Name 'Source'.\n{trademark}\n\n{OFL_FILE.read_text(encoding='utf-8')}"
    )
    (site / FONT_LICENSE).write_text(notice, encoding="utf-8")
    return path
