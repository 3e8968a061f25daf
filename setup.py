"""The one compiled part: nianbao's bulk reader of PDFium (see nianbao/readers/_pdfium_bulk.c).

It is optional: without a C compiler the install goes on without it, and the PDF reader makes the same
PDFium calls through ctypes, reading the same rows more slowly. Everything else is in pyproject.toml.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("nianbao.readers._pdfium_bulk", ["nianbao/readers/_pdfium_bulk.c"], optional=True)])
