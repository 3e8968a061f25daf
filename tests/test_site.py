"""The reader HTML in site/: self-contained, every image loads, no error shows, Chinese headings are text.

Uses the site that `make test` / `make report` built when it is up to date with the executed
notebooks; otherwise builds one into the test's temporary folder. The browser checks open the
pages in Debian's headless Chromium (/usr/bin/chromium) through Playwright and save screenshots
in the test's temporary folder.
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


# ---- the export, in a real browser --------------------------------------------------------------

def _fontconfig_with_cjk(folder: Path) -> Path:
    """A fontconfig file adding the CJK fonts that mplfonts ships, so screenshots show Chinese, not boxes,
    on a machine without a system CJK font (a reader's own browser uses the page's CSS font stack)."""
    import mplfonts

    fonts = Path(mplfonts.__file__).parent / "fonts"
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context from Debian's /usr/bin/chromium with a fresh profile; records network requests."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run must `apt-get install chromium`", pytrace=False)
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium); the browser checks need it")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig_with_cjk(tmp_path_factory.mktemp("fonts")))}
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=env,
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
    return problems, len(images)


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
