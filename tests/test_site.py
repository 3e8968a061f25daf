"""The reader HTML in site/: self-contained, every image loads, no error shows, Chinese headings are text
and show in the font the site carries (site/fonts/), not in whatever CJK font the reader's machine has.

Uses the site that `make test` / `make report` built when it is up to date with the executed
notebooks; otherwise builds one into the test's temporary folder. The browser checks open the
pages in Debian's headless Chromium (/usr/bin/chromium) through Playwright, as it is: no CJK font
is added to it, so a character the site's font lacks would show as an empty box, as it would for a
reader without CJK fonts. Screenshots are saved in the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import build_site as bs
import run_notebooks as rn

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a closed network: no sandbox, no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_TEXT = re.compile(r"Traceback|An Exception was encountered|^\s*\w+(Error|Exception): ", re.M)


def _site_is_current(executed_dir: Path) -> bool:
    """site/ was exported from build/executed/ after every copy there, by the current build_site.py."""
    index = bs.SITE / "index.html"
    executed = sorted(executed_dir.glob("*.ipynb"))
    return (
        executed_dir == rn.EXECUTED
        and index.exists()
        and bool(executed)
        and all(bs.up_to_date(bs.SITE / f"{e.stem}.html", e) for e in executed)
        and index.stat().st_mtime >= max(e.stat().st_mtime for e in executed)
        and (bs.SITE / bs.FONT_FILE).exists()
    )


@pytest.fixture(scope="module")
def site(executed_dir, tmp_path_factory) -> Path:
    """The folder holding index.html and one page per executed notebook: site/ when it is current
    (as after `make test`), else a fresh export into a temporary folder."""
    if _site_is_current(executed_dir):
        return bs.SITE
    if not any(executed_dir.glob("*.ipynb")):
        pytest.fail("no notebook could be executed: nothing to export", pytrace=False)
    return bs.build_site(executed_dir, bs.FIGURES, tmp_path_factory.mktemp("site"), force=True).parent


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*.html") if p.name != "index.html")


# ---- the export, read as files ------------------------------------------------------------------

def test_index_links_every_page_and_every_link_resolves(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#:]+\.html)"', index))
    assert {p.name for p in _pages(site)} <= links, "index.html misses some notebook pages"
    assert all((site / link).exists() for link in links), f"broken links: {[l for l in links if not (site / l).exists()]}"
    numbered = {f"{nb.stem}.html" for nb in rn.numbered_notebooks()}
    assert numbered <= links, f"notebook pages missing from the index: {sorted(numbered - links)}"


def test_index_shows_every_figure_embedded_with_its_caption(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    figures = bs.read_figures(bs.FIGURES)
    shown = re.findall(r'<figure class="chart" id="fig-([^"]+)"><img src="data:image/png;base64,', index)
    assert sorted(shown) == sorted(f["name"] for f in figures)
    for fig in figures:
        if fig.get("title"):
            assert bs.esc(fig["title"]) in index


def test_pages_are_self_contained_chinese_with_code_hidden(site):
    for page in [site / "index.html", *_pages(site)]:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="(zh-CN|en)"', text), page.name
        assert not re.search(r"<script[^>]+src=[\"']https?:", text), f"{page.name} loads a script from the network"
        assert not re.search(r"<img[^>]+src=[\"'](?!data:)", text), f"{page.name} has an image that is not embedded"
        assert not re.search(r'class="[^"]*\bjp-(InputArea-editor|InputPrompt)\b', text), f"{page.name} shows code"


def test_pages_carry_their_font_with_its_licence(site):
    """One WOFF subset of Noto Sans CJK SC in site/fonts/, declared first in every page's font stack
    by a relative URL, holding every character the pages show, with the SIL OFL notice beside it."""
    from fontTools.ttLib import TTFont

    font_file = site / bs.FONT_FILE
    data = font_file.read_bytes()
    assert data[:4] == b"wOFF", f"{font_file} is not a WOFF font"
    assert 20_000 < len(data) < 2_000_000, f"{font_file} is {len(data)} bytes: not a subset of the pages' characters?"
    font = TTFont(font_file)
    cmap = font.getBestCmap()
    assert font["name"].getDebugName(16) == "Noto Sans CJK SC" or "Noto Sans CJK SC" in font["name"].getDebugName(1)
    assert "Open Font License" in (font["name"].getDebugName(13) or "")
    licence = (site / bs.FONT_LICENSE).read_text(encoding="utf-8")
    for must in ("SIL OPEN FONT LICENSE Version 1.1", "Copyright", "Adobe", "Noto", "PERMISSION & CONDITIONS",
                 "DISCLAIMER", font_file.name):
        assert must in licence, f"{bs.FONT_LICENSE} lacks {must!r}"

    face = re.compile(r'@font-face\s*\{[^}]*font-family:\s*"' + re.escape(bs.FONT_FAMILY)
                      + r'"[^}]*src:\s*url\("' + re.escape(bs.FONT_FILE) + r'"\)\s*format\("woff"\)')
    for page in [site / "index.html", *_pages(site)]:
        text = page.read_text(encoding="utf-8")
        assert face.search(text), f"{page.name} does not declare the site's font"
        stacks = re.findall(r"body[^{}]*\{[^}]*font-family:\s*([^;}]+)", text)
        assert any(st.strip().startswith(f'"{bs.FONT_FAMILY}"') for st in stacks), \
            f"{page.name}: the site's font is not first in the body's font stack: {stacks}"
        shown = {c for c in bs.page_text(text) if CJK.match(c) or "\u3000" <= c <= "\u303f" or "\uff01" <= c <= "\uff5e"}
        lacking = sorted(c for c in shown if ord(c) not in cmap)
        assert not lacking, f"{page.name} shows characters the site's font lacks: {''.join(lacking)}"


# ---- the export, in a real browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context from Debian's /usr/bin/chromium with a fresh profile and the machine's fonts as they
    are (no CJK font added); records network requests."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run must `apt-get install chromium`", pytrace=False)
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium); the browser checks need it")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, device_scale_factor=1,
        )
        context.remote_requests = []
        context.on("request", lambda r: r.url.startswith(("http:", "https:")) and context.remote_requests.append(r.url))
        yield context
        context.close()


def _check_in_browser(context, page_file: Path, screenshot: Path) -> tuple[list[str], int]:
    """Open a page; returns what is wrong with it (images, errors, headings) and how many images it has."""
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda e: script_errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=30_000)
    fonts = page.evaluate(
        """async ([family, sample]) => { await document.fonts.ready;
             return {faces: Array.from(document.fonts).map(f => ({family: f.family.replace(/^["']|["']$/g, ''),
                                                                  status: f.status})),
                     check: document.fonts.check(`16px "${family}"`, sample)}; }""",
        [bs.FONT_FAMILY, "政府信息公开"],
    )
    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src.slice(0, 40), w: i.naturalWidth, h: i.naturalHeight,"
        " shown: i.getBoundingClientRect().width}))"
    )
    headings = page.locator("h1, h2, h3").all_inner_texts()
    body_text = page.locator("body").inner_text()
    lang = page.evaluate("document.documentElement.lang")
    errors = page.locator(
        '.output_error, .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_inner_texts()
    page.screenshot(path=str(screenshot), full_page=True)
    rendered = _fonts_rendering_chinese(context, page)
    page.close()

    problems = []
    broken = [i for i in images if not (i["w"] > 0 and i["h"] > 0 and i["shown"] > 0)]
    if broken:
        problems.append(f"{page_file.name}: images that did not load or show: {broken}")
    shown_errors = [e[:300] for e in errors if ERROR_TEXT.search(e)]
    if shown_errors or "Traceback" in body_text:
        problems.append(f"{page_file.name} shows an error or a traceback: {shown_errors or 'Traceback'}")
    if lang.startswith("zh") and not any(CJK.search(h) for h in headings):
        problems.append(f"{page_file.name}: no Chinese heading (h1–h3) as text, only {headings[:4]}")
    if script_errors:
        problems.append(f"{page_file.name}: script errors {script_errors}")
    ours = [f for f in fonts["faces"] if f["family"] == bs.FONT_FAMILY]
    if not ours or any(f["status"] != "loaded" for f in ours) or not fonts["check"]:
        problems.append(f"{page_file.name}: the site's font did not load: {fonts}")
    wrong_font = []
    for what, used in rendered:
        if not any(f["isCustomFont"] for f in used):
            wrong_font.append(f"{page_file.name}: {what} is not drawn with the site's font but with {used}")
        elif not what.startswith("code") and not all(f["isCustomFont"] for f in used):
            wrong_font.append(f"{page_file.name}: {what} is partly drawn with the machine's fonts: {used}")
    problems += wrong_font[:5] + ([f"{page_file.name}: … and {len(wrong_font) - 5} more"] if len(wrong_font) > 5 else [])
    if lang.startswith("zh") and not any(w.startswith(("h1", "h2", "h3")) for w, _ in rendered):
        problems.append(f"{page_file.name}: no Chinese heading was found drawn on the page")
    return problems, len(images)


def _fonts_rendering_chinese(context, page) -> list[tuple[str, list[dict]]]:
    """For every visible element whose own text has Chinese: (its tag and text, the fonts Chromium drew that
    text with: CSS.getPlatformFontsForNode, isCustomFont true for an @font-face font, counting its inline
    descendants). Code, or text with code in it ("code …"), may use a monospace system font for its Latin
    letters; all other text must be drawn with the site's font alone."""
    marked = page.evaluate(
        r"""() => { let n = 0; const MONO = 'code, pre, kbd, samp, tt';
             for (const el of document.body.querySelectorAll('*')) {
               if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName) || !el.getClientRects().length) continue;
               const own = Array.from(el.childNodes).filter(t => t.nodeType === 3).map(t => t.data).join('');
               if (!/[\u4e00-\u9fff]/.test(own)) continue;
               const code = el.closest(MONO) || el.querySelector(MONO) ? 'code ' : '';
               el.setAttribute('data-test-cjk', code + el.tagName.toLowerCase() + ' ' + own.trim().slice(0, 30));
               n++;
             }
             return n; }"""
    )
    if not marked:
        return []
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    found = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-test-cjk]"})["nodeIds"]:
        attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        what = attrs[attrs.index("data-test-cjk") + 1]
        found.append((what, cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]))
    cdp.detach()
    return found


def test_index_in_chromium_every_figure_loads_and_headings_are_chinese_text(site, browser, tmp_path):
    problems, images = _check_in_browser(browser, site / "index.html", tmp_path / "index.png")
    print(f"screenshot: {tmp_path / 'index.png'}")
    assert not problems, "\n".join(problems)
    assert images == len(list(bs.FIGURES.glob("*.png")))


def test_notebook_pages_in_chromium_load_every_image_and_show_no_error(site, browser, tmp_path):
    pages = _pages(site)
    assert pages, "site/ holds no notebook page"
    problems = []
    for page_file in pages:
        problems += _check_in_browser(browser, page_file, tmp_path / f"{page_file.stem}.png")[0]
    print(f"screenshots: {tmp_path}")
    assert not problems, "\n".join(problems)


def test_pages_load_nothing_from_the_network(site, browser):
    for page_file in [site / "index.html", *_pages(site)]:
        page = browser.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        page.close()
    assert not browser.remote_requests, f"pages asked the network for {browser.remote_requests[:5]}"
