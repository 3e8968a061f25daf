"""Generate a corpus of N reports for scale tests and benchmarks, from one real hand transcription.

    python scripts/synthetic_corpus.py --bodies 100 --years 2022,2023,2024 --out /tmp/corpus
    python -m nianbao extract /tmp/corpus/raw --out /tmp/corpus/processed

Each generated report is a transcription (``section,item,applicant,printed``, the form the engine reads for a hand
transcription) whose numbers are the real report's (default: data/raw/suqian-city_2023.csv, a city-wide aggregate)
scaled to the size of a district and perturbed, with the format's identities kept: outcome rows add up to （七）总计
(I1), the applicant columns to 总计 (I2), 一 + 二 = （七）总计 + 四 (S1), each table 四 block to its 总计 (I3), and
year N's 结转下年度 is year N+1's 上年结转 (I4), documents in force roll forward (I5). ``--contradictions`` makes a
share of reports print a 总计 one off from its parts, as real reports do, so that findings exist at scale.

Bodies are named 测试市第0001区人民政府 … (level county) under ``--parents`` parent cities (测试市, 测试二市 …).
The same arguments always give the same files (``--seed``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
from pathlib import Path

from nianbao import codebook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "data" / "raw" / "suqian-city_2023.csv"
PARENT_NUMERALS = "一二三四五六七八九十"
APPLICANT_COLUMNS = [code for code in codebook.applicants() if code != "total"]
# A district handles about a twentieth of the city-wide aggregate's requests; sizes vary a lot between bodies.
MEDIAN_SCALE = 0.05
SCALE_SPREAD = 1.1  # sigma of the log-normal size factor


def read_template(path: Path) -> dict[tuple[str, str, str], float]:
    """The real transcription's numbers by (section, item, applicant)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {(r["section"], r["item"], r["applicant"]): float(r["printed"])
                for r in csv.DictReader(handle) if r["printed"].strip() and r["section"] != "narrative"}


def parent_name(index: int) -> str:
    return "测试市" if index == 0 else f"测试{PARENT_NUMERALS[index % 10]}{'' if index < 10 else index // 10}市"


def body_name(parent: str, number: int) -> str:
    return f"{parent}第{number:04d}区人民政府"


def _count(rng: random.Random, real: float, scale: float) -> int:
    """A real count scaled to this body, with multiplicative noise; small counts stay small."""
    expected = real * scale * rng.lognormvariate(0, 0.35)
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def outcome_codes() -> list[str]:
    """Table 三 outcome rows of the 2021 format: （一）–（六）, each printed row once."""
    skip = {"received", "carried_over", "total", "carried_forward", "other"}
    return [i.code for i in codebook.items().values()
            if i.section == "applications" and "2021" in i.formats and i.code not in skip]


def report_cells(rng: random.Random, real: dict, scale: float, carried_over: dict[str, int],
                 in_force: dict[str, int], contradiction: bool) -> tuple[dict, dict[str, int], dict[str, int]]:
    """One report's printed numbers, its carry-forward per applicant and its documents in force."""
    cells: dict[tuple[str, str, str], float] = {}
    outcomes = outcome_codes()
    forward: dict[str, int] = {}
    for applicant in APPLICANT_COLUMNS:
        handled = 0
        for item in outcomes:
            n = _count(rng, real.get(("applications", item, applicant), 0), scale)
            cells[("applications", item, applicant)] = n
            handled += n
        forward[applicant] = _count(rng, real.get(("applications", "carried_forward", applicant), 0), scale)
        over = carried_over.get(applicant, _count(rng, real.get(("applications", "carried_over", applicant), 0), scale))
        # S1 decides 新收: what was handled or carried forward, less what came over from last year
        received = handled + forward[applicant] - over
        if received < 0:
            forward[applicant] -= received
            received = 0
        cells.update({("applications", "total", applicant): handled, ("applications", "carried_forward", applicant):
                      forward[applicant], ("applications", "carried_over", applicant): over,
                      ("applications", "received", applicant): received})
    for item in {code for section, code, _ in cells if section == "applications"}:
        cells[("applications", item, "total")] = sum(cells[("applications", item, a)] for a in APPLICANT_COLUMNS)
    for block in ("review", "litigation_direct", "litigation_after_review"):
        parts = [_count(rng, real[("review_litigation", f"{block}.{p}", "")], scale)
                 for p in ("upheld", "corrected", "other", "pending")]
        for part, n in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[("review_litigation", f"{block}.{part}", "")] = n
        cells[("review_litigation", f"{block}.total", "")] = sum(parts)
    now_in_force = {}
    for prefix in ("regulations", "normative_documents"):
        issued = _count(rng, real[("disclosure", f"{prefix}.issued", "")], scale * 4)
        previous = in_force.get(prefix, _count(rng, real[("disclosure", f"{prefix}.in_force", "")], scale * 4))
        repealed = min(previous, _count(rng, real[("disclosure", f"{prefix}.repealed", "")], scale * 2))
        now_in_force[prefix] = previous + issued - repealed
        cells.update({("disclosure", f"{prefix}.issued", ""): issued, ("disclosure", f"{prefix}.repealed", ""): repealed,
                      ("disclosure", f"{prefix}.in_force", ""): now_in_force[prefix]})
    for item in ("licensing.decisions", "punishment.decisions", "coercion.decisions"):
        cells[("disclosure", item, "")] = _count(rng, real[("disclosure", item, "")], scale)
    cells[("disclosure", "fees.amount", "")] = round(real[("disclosure", "fees.amount", "")] * scale
                                                     * rng.lognormvariate(0, 0.5), 4)
    if contradiction:  # a printed 总计 one off from its parts, as real reports print them
        key = ("applications", "total", "total")
        cells[key] += 1
    return cells, forward, now_in_force


def printed(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.4f}".rstrip("0")


def write_report(path: Path, cells: dict) -> None:
    order = list(codebook.items())
    columns = list(codebook.applicants())
    rows = sorted(cells.items(), key=lambda kv: (order.index(kv[0][1]), columns.index(kv[0][2]) if kv[0][2] else -1))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["section", "item", "applicant", "printed"])
        writer.writerows([section, item, applicant, printed(value)] for (section, item, applicant), value in rows)


def generate(out: Path, bodies: int, years: list[int], parents: int = 1, seed: int = 2024,
             contradictions: float = 0.03, template: Path = TEMPLATE) -> list[Path]:
    """Write bodies × years transcriptions and their sources.csv into ``out/raw``; returns the report files."""
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    real = read_template(template)
    rng = random.Random(seed)
    files, sources = [], []
    for number in range(1, bodies + 1):
        parent = parent_name((number - 1) % parents)
        body = body_name(parent, number)
        scale = MEDIAN_SCALE * rng.lognormvariate(0, SCALE_SPREAD)
        carried: dict[str, int] = {}
        in_force: dict[str, int] = {}
        for year in sorted(years):
            cells, carried, in_force = report_cells(rng, real, scale, carried, in_force,
                                                    rng.random() < contradictions)
            path = raw / f"test-district-{number:04d}_{year}.csv"
            write_report(path, cells)
            files.append(path)
            sources.append([path.name, "yes", body, "county", parent, year, "2021",
                            hashlib.sha256(path.read_bytes()).hexdigest(),
                            f"generated by scripts/synthetic_corpus.py from {template.name} (seed {seed})",
                            "synthetic: numbers perturbed from a real transcription"])
    with (raw / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "commit", "body", "level", "parent", "year", "format", "sha256", "source", "notes"])
        writer.writerows(sources)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=100)
    parser.add_argument("--years", default="2022,2023,2024", help="comma-separated report years")
    parser.add_argument("--parents", type=int, default=1, help="parent cities the bodies are spread over")
    parser.add_argument("--contradictions", type=float, default=0.03, help="share of reports breaking I1")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, required=True, help="folder; the reports go to OUT/raw")
    args = parser.parse_args(argv)
    files = generate(args.out, args.bodies, [int(y) for y in args.years.split(",")], args.parents, args.seed,
                     args.contradictions)
    print(f"{len(files)} generated reports → {args.out / 'raw'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
