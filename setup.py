"""The one compiled part: nianbao's bulk reader of PDFium (see nianbao/readers/_pdfium_bulk.c).

It is optional: without a C compiler the install goes on without it, and the PDF reader makes the same
PDFium calls through ctypes, reading the same rows more slowly. The module is given the SHA-256 of its source,
so that the reader does not use one built from another version. Everything else is in pyproject.toml.
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

SOURCE = "nianbao/readers/_pdfium_bulk.c"
DIGEST = hashlib.sha256(Path(__file__).resolve().parent.joinpath(SOURCE).read_bytes()).hexdigest()

setup(ext_modules=[Extension("nianbao.readers._pdfium_bulk", [SOURCE], optional=True,
                             define_macros=[("SOURCE_SHA256", f'"{DIGEST}"')])])
