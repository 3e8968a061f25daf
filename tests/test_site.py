"""The reader site: the bulletin index, the definitions page, the notebook pages and the briefings, as files and in
Debian's headless Chromium (/usr/bin/chromium through Playwright, no CJK font added to it, so a character the
site's font lacks would show as an empty box, as it would for a reader without CJK fonts).

The site under test is the one make built (site/): make decides whether it is current. Inside `make test` it has
just been built, and a stale site means its build failed (the log above says which notebook); run alone, these
tests ask make to build it first. The escaping test builds its own site from a generated corpus in a temporary
folder, through the same Makefile. Screenshots go to the tests' temporary folder (printed).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from publish import briefings as br
from publish import fonts

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PROCESSED = ROOT / "data" / "processed"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"
CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a closed network: no sandbox, no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_TEXT = re.compile(r"Traceback|An Exception was encountered|^\s*\w+(Error|Exception): ", re.M)
MAKE_TIMEOUT_S = 3600  # catches a hang, not a slow build
# The notebooks make builds: every numbered one, or the subset NOTEBOOKS names (as the Makefile reads it).
NOTEBOOKS = [ROOT / n for n in os.environ["NOTEBOOKS"].split()] if os.environ.get("NOTEBOOKS") else \
    sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def make(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=MAKE_TIMEOUT_S, check=check)


def built_by_make(target: str) -> None:
    """TARGET is current by make's own reckoning; outside `make test`, make builds it first."""
    if make("-q", target, check=False).returncode == 0:
        return
    if os.environ.get("MAKELEVEL"):  # inside `make test`: its build step just failed
        pytest.fail(f"make could not build {target}: see the build log above (a notebook that failed leaves its "
                    "executed copy with the traceback in build/executed/failed/)", pytrace=False)
    result = make(target, check=False)
    if result.returncode:
        pytest.fail(f"make {target} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def site() -> Path:
    built_by_make("site/index.html")
    return SITE


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _briefed(site: Path) -> list[str]:
    return sorted(p.name.removeprefix("briefing_").removesuffix(".zh.html") for p in site.glob("briefing_*.zh.html"))


# ---- the site, read as files ----------------------------------------------------------------------------------

def test_every_local_link_and_image_resolves_to_a_file_in_the_site(site):
    broken = []
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"#]+)"', text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
                continue
            if not (site / url).is_file():
                broken.append(f"{page.name}: {url}")
    assert not broken, f"links to files that are not in site/: {broken[:10]}"


def test_index_links_every_notebook_page_the_definitions_and_both_languages_of_every_briefing(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#:]+)"', index))
    notebooks = {f"{nb.stem}.html" for nb in NOTEBOOKS}
    assert notebooks and notebooks <= links, f"notebook pages missing from the index: {sorted(notebooks - links)}"
    assert "definitions.html" in links
    briefed = _briefed(site)
    assert briefed, "no briefing was built"
    for rid in briefed:
        for lang in br.LANGS:
            assert br.page_name(rid, lang) in links, f"the index does not link {br.page_name(rid, lang)}"
            assert (site / br.page_name(rid, lang)).is_file()


def test_small_corpus_gets_a_briefing_for_every_report(site):
    reports = [r["report_id"] for r in _read_csv(PROCESSED / "reports.csv") if r["status"] != "failed"]
    if len(reports) <= br.AUTO_ALL:
        assert _briefed(site) == sorted(reports)


def test_downloads_are_the_tidy_tables_and_every_charts_data_with_a_bom(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    downloads = re.findall(r'<a href="([^"]+\.csv)" download>', index)
    for name in ("reports", "values", "checks", "codebook", "measures"):
        assert f"downloads/{name}.csv" in downloads
    charts = sorted(p.stem for p in (site / "figures").glob("*.png"))
    assert charts, "the site carries no chart"
    for name in charts:
        if (ROOT / "figures" / f"{name}.csv").exists():
            assert f"figures/{name}.csv" in downloads, f"the data behind {name} is not offered for download"
    for href in downloads:
        assert (site / href).read_bytes()[:3] == b"\xef\xbb\xbf", f"{href} lacks the UTF-8 byte-order mark"
    # the copy is the table itself
    assert _read_csv(site / "downloads/values.csv") == _read_csv(PROCESSED / "values.csv")
    measures = _read_csv(site / "downloads/measures.csv")
    assert len(measures) == len([r for r in _read_csv(PROCESSED / "reports.csv") if r["status"] != "failed"])


def test_index_is_light_thumbnails_are_small_files_not_inlined_charts(site):
    index = site / "index.html"
    assert index.stat().st_size < 1_500_000, f"index.html is {index.stat().st_size} bytes"
    text = index.read_text(encoding="utf-8")
    assert "data:image/png;base64" not in text
    thumbs = re.findall(r'<img src="(figures/thumbs/[^"]+\.webp)"', text)
    assert len(thumbs) == len(list((site / "figures").glob("*.png")))
    assert all((site / t).stat().st_size < 120_000 for t in thumbs), "a thumbnail is not small"


def test_pages_are_self_contained_with_code_hidden(site):
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="(zh-CN|en)"', text), page.name
        assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?:", text), f"{page.name} loads from the network"
        assert not re.search(r'class="[^"]*\bjp-(InputArea-editor|InputPrompt)\b', text), f"{page.name} shows code"


def test_definitions_page_gives_every_measure_and_every_check(site):
    import helpers as h

    text = (site / "definitions.html").read_text(encoding="utf-8")
    corpus = h.load(PROCESSED)
    for measure in h.MEASURES:
        assert f'id="{measure}"' in text, f"definitions.html lacks {measure}"
    assert "予以公开 / （七）总计" in text  # the strict release rate's formula, from its definition
    for check in corpus.check_definitions.itertuples():
        assert f'id="{check.check}"' in text and check.meaning_zh in text
    for group in h.OUTCOME_GROUPS:
        assert f'id="{group}"' in text


def test_pages_carry_their_font_with_its_licence(site):
    """One WOFF subset of Noto Sans CJK SC in site/fonts/, declared in the site's stylesheet that every page links,
    holding every character the pages show, with the SIL OFL notice beside it."""
    from fontTools.ttLib import TTFont

    font_file = site / fonts.FONT_FILE
    data = font_file.read_bytes()
    assert data[:4] == b"wOFF", f"{font_file} is not a WOFF font"
    assert 20_000 < len(data) < 3_000_000, f"{font_file} is {len(data)} bytes: not a subset of the pages' characters?"
    font = TTFont(font_file)
    cmap = font.getBestCmap()
    assert "Noto Sans CJK SC" in (font["name"].getDebugName(16) or font["name"].getDebugName(1))
    licence = (site / fonts.FONT_LICENSE).read_text(encoding="utf-8")
    for must in ("SIL OPEN FONT LICENSE Version 1.1", "Copyright", "Adobe", "PERMISSION & CONDITIONS", font_file.name):
        assert must in licence, f"{fonts.FONT_LICENSE} lacks {must!r}"
    css = (site / "static" / "site.css").read_text(encoding="utf-8")
    assert re.search(r'@font-face\s*\{[^}]*font-family:\s*"' + re.escape(fonts.FONT_FAMILY)
                     + r'"[^}]*src:\s*url\("\.\./' + re.escape(fonts.FONT_FILE) + r'"\)', css)
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'href="static/site.css"' in text, f"{page.name} does not link the site's stylesheet"
        shown = {c for c in fonts.page_text(text) if CJK.match(c) or "\u3000" <= c <= "\u303f" or "\uff01" <= c <= "\uff5e"}
        lacking = sorted(c for c in shown if ord(c) not in cmap)
        assert not lacking, f"{page.name} shows characters the site's font lacks: {''.join(lacking)}"


# ---- the site, in a real browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context from Debian's /usr/bin/chromium with a fresh profile; records network requests."""
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


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots: {folder}")
    return folder


def _check_in_browser(context, page_file: Path, screenshot: Path) -> list[str]:
    """Open a page; returns what is wrong with it (images, errors, script errors, the font, headings)."""
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda e: script_errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=30_000)
    page.evaluate("async () => { for (const i of document.images) { i.loading = 'eager'; } }")
    fonts_state = page.evaluate(
        """async ([family, sample]) => { await document.fonts.ready;
             return {faces: Array.from(document.fonts).map(f => ({family: f.family.replace(/^["']|["']$/g, ''),
                                                                  status: f.status})),
                     check: document.fonts.check(`16px "${family}"`, sample)}; }""",
        [fonts.FONT_FAMILY, "政府信息公开"],
    )
    page.screenshot(path=str(screenshot), full_page=True)
    images = page.evaluate("Array.from(document.images).map(i => ({src: i.src.slice(-60), w: i.naturalWidth}))")
    headings = page.locator("h1, h2, h3").all_inner_texts()
    body_text = page.locator("body").inner_text()
    lang = page.evaluate("document.documentElement.lang")
    page.close()
    problems = []
    broken = [i for i in images if not i["w"]]
    if broken:
        problems.append(f"{page_file.name}: images that did not load: {broken[:5]}")
    if ERROR_TEXT.search(body_text):
        problems.append(f"{page_file.name} shows an error or a traceback")
    if lang.startswith("zh") and not any(CJK.search(h) for h in headings):
        problems.append(f"{page_file.name}: no Chinese heading (h1–h3) as text, only {headings[:4]}")
    if script_errors:
        problems.append(f"{page_file.name}: script errors {script_errors}")
    ours = [f for f in fonts_state["faces"] if f["family"] == fonts.FONT_FAMILY]
    if not ours or any(f["status"] != "loaded" for f in ours) or not fonts_state["check"]:
        problems.append(f"{page_file.name}: the site's font did not load: {fonts_state}")
    return problems


def _expected_received(report_id: str) -> float:
    """本年新收 总计 of a report: the hand-checked cell where the fixtures have it, else values.csv."""
    for path in (EXPECTED / f"{report_id}.csv", PROCESSED / "values.csv"):
        if path.exists():
            for row in _read_csv(path):
                if (row.get("report_id", report_id) == report_id and row["section"] == "applications"
                        and row["item"] == "received" and row["applicant"] == "total"):
                    return float(row["value"])
    raise AssertionError(f"no 本年新收 总计 for {report_id}")


def test_index_headline_figures_in_chromium(site, browser, shots):
    reports = [r for r in _read_csv(PROCESSED / "reports.csv") if r["status"] != "failed"]
    latest = max(int(r["year"]) for r in reports)
    ids = [r["report_id"] for r in reports if int(r["year"]) == latest]
    page = browser.new_page()
    page.goto((site / "index.html").as_uri(), wait_until="load")
    heading = page.locator("#headline h2").inner_text()
    assert str(latest) in heading
    cards = {page.locator(".card").nth(i).get_attribute("data-figure"): page.locator(".card .value").nth(i).inner_text()
             for i in range(page.locator(".card").count())}
    assert cards["reports"] == f"{len(ids):,}"
    assert cards["received"].rstrip("†") == f"{sum(_expected_received(r) for r in ids):,.0f}"
    assert re.fullmatch(r"\d+\.\d %†?|—", cards["release_rate_strict"])
    assert re.search(r"\d+ 个机关的 \d+ 份", page.locator("p.corpus").inner_text())
    page.close()


def test_interactive_table_sorts_and_filters_offline(site, browser, shots):
    reports = [r for r in _read_csv(PROCESSED / "reports.csv") if r["status"] != "failed"]
    body = sorted(r["body"] for r in reports)[0]
    page = browser.new_page()
    page.goto((site / "index.html").as_uri(), wait_until="load")
    page.wait_for_selector("#measures-table tbody tr td", timeout=30_000)
    rows = page.locator("#measures-table tbody tr")
    assert rows.count() == min(len(reports), 25)
    controls = page.locator("#measures .dt-search label").inner_text() + page.locator("#measures .dt-info").inner_text()
    assert controls.startswith("搜索") and f"共 {len(reports)} 行" in controls, controls  # the zh page's controls in zh
    page.locator("#measures input[type=search]").fill(body)
    page.wait_for_timeout(300)
    shown = rows.all_inner_texts()
    assert len(shown) == sum(r["body"] == body for r in reports) and all(body in s for s in shown)
    page.locator("#measures input[type=search]").fill("")
    headers = page.locator("#measures thead th:visible")  # with scrollX, DataTables draws the header apart
    year_column = [h.strip() for h in headers.all_inner_texts()].index("年度")
    year_header = headers.nth(year_column)
    year_header.click()
    year_header.click()  # descending
    page.wait_for_timeout(300)
    first_year = page.locator("#measures-table tbody tr").first.locator("td").nth(year_column).inner_text()
    assert first_year == str(max(int(r["year"]) for r in reports))
    page.screenshot(path=str(shots / "index-table-sorted.png"), full_page=False)
    page.close()
    assert not browser.remote_requests, f"the index asked the network for {browser.remote_requests[:5]}"


def test_every_page_in_chromium_loads_its_images_and_font_and_shows_no_error(site, browser, shots):
    problems = []
    for page_file in _html_pages(site):
        problems += _check_in_browser(browser, page_file, shots / f"{page_file.stem}.png")
    assert not problems, "\n".join(problems)
    assert not browser.remote_requests, f"pages asked the network for {browser.remote_requests[:5]}"


def test_briefings_exist_in_both_languages_and_print_on_at_most_two_a4_pages(site, shots):
    import pdfplumber

    briefed = _briefed(site)
    assert briefed
    for rid in briefed:
        zh = (site / br.page_name(rid, "zh")).read_text(encoding="utf-8")
        en = (site / br.page_name(rid, "en")).read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in zh and '<html lang="en"' in en
        assert "关键数字" in zh and "Key figures" in en
        for lang in br.LANGS:
            pdf = site / br.pdf_name(rid, lang)
            assert pdf.is_file(), f"{pdf.name} was not printed"
            with pdfplumber.open(pdf) as doc:
                assert 1 <= len(doc.pages) <= 2, f"{pdf.name} has {len(doc.pages)} pages"
                width, height = doc.pages[0].width, doc.pages[0].height
                assert abs(width - 595) < 3 and abs(height - 842) < 3, f"{pdf.name} is not A4: {width}×{height}"
    first = site / br.pdf_name(briefed[0], "zh")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(first), str(shots / first.stem)], check=True)


# ---- at scale: the site of a generated corpus of 300 reports ---------------------------------------------------

def test_site_of_300_generated_reports_lists_every_report_and_briefs_a_selection(tmp_path):
    """scripts/synthetic_corpus.py makes 100 bodies × 3 years; the site (with the first notebook only: every notebook
    at this size is tests/test_notebooks_at_scale.py's) lists every report in its table and builds the briefings
    BRIEFINGS=auto selects at this size, each printed on at most two pages; the index stays light."""
    import pdfplumber

    subprocess.run([sys.executable, str(ROOT / "scripts" / "synthetic_corpus.py"), "--bodies", "100",
                    "--out", str(tmp_path)], cwd=ROOT, check=True, capture_output=True, timeout=600)
    out = {name: tmp_path / name for name in ("processed", "executed", "figures", "site")}
    result = make(f"NOTEBOOKS={NOTEBOOKS[0].relative_to(ROOT)}", f"RAW={tmp_path / 'raw'}",
                  *(f"{k.upper()}={v}" for k, v in out.items()), f"{out['site']}/index.html", check=False)
    assert result.returncode == 0, f"the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    site = out["site"]
    assert len(_read_csv(site / "downloads" / "measures.csv")) == 300
    assert (site / "index.html").stat().st_size < 1_500_000
    briefed = _briefed(site)
    assert len(briefed) == br.AUTO_LARGEST
    assert all(r.endswith("_2024") for r in briefed), "auto picks each chosen body's latest report"
    for rid in briefed:
        with pdfplumber.open(site / br.pdf_name(rid, "zh")) as doc:
            assert len(doc.pages) <= 2


# ---- escaping: what a report or sources.csv says never acts in a reader's browser -----------------------------

HOSTILE_BODIES = ["[x](javascript:alert(1))", "<script>alert(1)</script>"]
# The notebooks that print body names in their text (the others only draw them); fewer notebooks, a shorter test.
NAMING_NOTEBOOKS = ["notebooks/01_corpus_and_data_quality.ipynb", "notebooks/04_year_over_year.ipynb"]


def _hostile_corpus(folder: Path) -> Path:
    """A corpus of two real reports (the Suqian transcriptions, with their narrative files) whose sources.csv rows
    name the bodies as an attacker would."""
    raw = folder / "raw"
    raw.mkdir(parents=True)
    rows = _read_csv(ROOT / "data" / "raw" / "sources.csv")
    chosen = [r for r in rows if r["file"].startswith("suqian-city_20")]  # the tables and the narrative files
    bodies = dict(zip(sorted({r["year"] for r in chosen}), HOSTILE_BODIES))
    assert len(bodies) == 2
    for row in chosen:
        row["body"] = bodies[row["year"]]
        shutil.copyfile(ROOT / "data" / "raw" / row["file"], raw / row["file"])
    with (raw / "sources.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    return raw


def test_hostile_body_names_are_escaped_everywhere_in_the_site(tmp_path, browser):
    raw = _hostile_corpus(tmp_path)
    out = {name: tmp_path / name for name in ("processed", "executed", "figures", "site")}
    naming = [n for n in NAMING_NOTEBOOKS if ROOT / n in NOTEBOOKS] or [str(NOTEBOOKS[0].relative_to(ROOT))]
    result = make(f"NOTEBOOKS={' '.join(naming)}", f"RAW={raw}", f"PROCESSED={out['processed']}", f"EXECUTED={out['executed']}",
                  f"FIGURES={out['figures']}", f"SITE={out['site']}", f"{out['site']}/index.html", check=False)
    assert result.returncode == 0, f"the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    site = out["site"]
    pages = _html_pages(site)
    assert any(p.name.startswith("briefing_") for p in pages)
    svgs = sorted((site / "figures").glob("*.svg"))
    for path in pages + svgs:
        text = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, f"{path.name} carries the body's script element"
        assert not re.search(r'(href|src)\s*=\s*["\']?\s*javascript:', text, re.I), f"{path.name} has a javascript: URL"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index, "the body's name is not shown, escaped, on the index"
    dialogs = []
    for path in pages:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(200)
        scripts = page.evaluate("Array.from(document.scripts).map(s => s.text.trim()).filter(t => t === 'alert(1)')")
        links = page.evaluate("Array.from(document.querySelectorAll('[href],[src]')).map(e => e.getAttribute('href')"
                              " || e.getAttribute('src')).filter(u => /^\\s*javascript:/i.test(u))")
        page.close()
        assert not scripts, f"{path.name} has a script element with the body's code"
        assert not links, f"{path.name} links {links}"
    assert not dialogs, f"a page ran the body's code: {dialogs}"
