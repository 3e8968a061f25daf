"""Notebook outputs made safe for readers: no script element, no event-handler attribute and no ``javascript:`` URL.

The notebooks escape what they take from a report or sources.csv; this preprocessor is the site's own guard, so that a
body name that slipped through unescaped (``<script>…</script>``, ``[x](javascript:alert(1))``) cannot act on a reader's
browser. Markdown outputs are rendered to HTML first (as nbconvert would), then every HTML output is cleaned with lxml.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor

DROPPED_ELEMENTS = {"script", "iframe", "object", "embed", "base", "meta", "link", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset"}
ACTIVE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.I)


def clean_fragment(markup: str) -> str:
    """HTML with script-like elements, on* attributes and javascript:/vbscript: URLs removed; all else kept."""
    if not markup.strip():
        return markup
    wrapper = lxml_html.fragment_fromstring(markup, create_parent="div")
    for element in list(wrapper.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in DROPPED_ELEMENTS:
            element.drop_tree()
            continue
        for name, value in list(element.attrib.items()):
            if name.lower().startswith("on") or (name.lower() in URL_ATTRIBUTES and ACTIVE_SCHEME.match(value)):
                del element.attrib[name]
    inner = (wrapper.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)
    return inner


class SafeOutputs(Preprocessor):
    """Clean every text/html and text/markdown output of a notebook (markdown is rendered to HTML first)."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                rendered = markdown2html_mistune("".join(data.pop("text/markdown")))
                data["text/html"] = rendered if "text/html" not in data else "".join(data["text/html"])
            if "text/html" in data:
                data["text/html"] = clean_fragment("".join(data["text/html"]))
        return cell, resources
