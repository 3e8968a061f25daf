"""Readers: one per input form, chosen by the file's content, not only its extension."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from nianbao.document import Document, ReadError
from nianbao.readers.text import read_text
from nianbao.readers.transcribed import TranscribedCell, is_transcription, read_transcription

_HTML = re.compile(rb"<(!doctype\s+html|html|body|table|div|p|meta)\b", re.IGNORECASE)
_PAGE_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta)\b", re.IGNORECASE)
_SPACE = re.compile(rb"\s*")
# One line at a time ([ \t], not \s, which would run on over blank lines and make the search quadratic).
_PIPE_ROW = re.compile(rb"^[ \t]*\|[^\r\n]*\|[ \t]*\r?$", re.MULTILINE)


def opens_as_page(data: bytes) -> bool:
    """True when the file opens as a page: a page's first tag after an XML declaration and comments.

    Scanned with ``find`` rather than one pattern, whose repeated comment group backtracks exponentially on a
    file of many comments.
    """
    position = _SPACE.match(data).end()
    if data.startswith(b"<?xml", position):
        position = data.find(b">", position)
        if position < 0:
            return False
        position = _SPACE.match(data, position + 1).end()
    while data.startswith(b"<!--", position):
        position = data.find(b"-->", position + 4)
        if position < 0:
            return False
        position = _SPACE.match(data, position + 3).end()
    return _PAGE_TAG.match(data, position) is not None


STRAY_NUL_SHARE = 0.01  # more NUL characters than this is binary data (or UTF-16 without a BOM), not text


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, the superset of GBK and GB2312 that Chinese portals use."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.count("\x00") <= len(text) * STRAY_NUL_SHARE:
            return text.replace("\x00", "")  # converters write NUL for glyphs without a character (icon fonts)
    raise ReadError(path, "binary data: not text, HTML or PDF")


def read(path: Path) -> Document | list[TranscribedCell]:
    """Read a report file of any supported form; raises ReadError naming the file and the problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(path, f"cannot read the file ({error.strerror})") from error
    if not data.strip():
        raise ReadError(path, "empty file")
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        from nianbao.readers.pdf import read_pdf

        return read_pdf(path)
    if head.startswith(b"PK\x03\x04"):
        raise ReadError(path, "a ZIP or Office document: save the report as PDF, HTML or text first")
    if opens_as_page(data.removeprefix(codecs.BOM_UTF8)) or (_HTML.search(head) and not _PIPE_ROW.search(data)):
        # markdown from a converter may carry a tag or two; it is a page only if it opens as one
        from nianbao.readers.html import read_html

        return read_html(path)
    text = decode_text(path, data)
    if is_transcription(text):
        return read_transcription(path, text)
    return read_text(path, text)
