"""Command line: ``python -m nianbao extract PATH... --out DIR`` and ``python -m nianbao template``."""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from nianbao.extract import COMPANION_SUFFIX, extract_file
from nianbao.model import Report
from nianbao.sources import SOURCES_FILE, Source, read_sources
from nianbao.template import write_template
from nianbao.validate import check_series
from nianbao.write import read_committed, write_outputs

SKIPPED_NAMES = {SOURCES_FILE, "README.md", "README.txt", ".gitkeep"}


def default_corpus(folder: Path) -> Path:
    """The shared corpus sits beside the project: PROJECT/../shared/corpus for PROJECT/data/raw."""
    return folder.resolve().parent.parent.parent / "shared" / "corpus"


def collect(paths: list[Path], corpus: Path | None) -> tuple[list[tuple[Path, Source | None]], dict[str, Path]]:
    """Report files to extract with their provenance, and the sources.csv files not found (with where looked)."""
    jobs: list[tuple[Path, Source | None]] = []
    unavailable: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            sources = read_sources(path)
            for file in sorted(p for p in path.iterdir() if p.is_file()):
                if file.name in SKIPPED_NAMES or file.name.startswith(".") or file.name.endswith(COMPANION_SUFFIX):
                    continue
                jobs.append((file, sources.get(file.name)))
            shared = corpus or default_corpus(path)
            for name, source in sorted(sources.items()):
                if source.commit or (path / name).is_file():
                    continue
                if (shared / name).is_file():
                    jobs.append((shared / name, source))
                else:
                    unavailable[name] = shared
        else:
            jobs.append((path, read_sources(path.parent).get(path.name)))
    return jobs, unavailable


def _extract(job: tuple[Path, Source | None]) -> Report:
    return extract_file(*job)


def extract(paths: list[Path], out: Path, jobs: int = 1, corpus: Path | None = None) -> list[Report]:
    """Extract every report, validate across years, and write the four CSV files."""
    work, unavailable = collect(paths, corpus)
    with tqdm(total=len(work), desc="extracting reports", unit="report", file=sys.stderr) as progress:
        if jobs > 1:
            with ProcessPoolExecutor(jobs) as pool:
                reports = []
                for report in pool.map(_extract, work, chunksize=max(1, len(work) // (jobs * 8))):
                    reports.append(report)
                    progress.update()
        else:
            reports = []
            for job in work:
                reports.append(_extract(job))
                progress.update()
    if unavailable:
        kept = read_committed(out, {Path(name).stem for name in unavailable})
        kept_ids = {r.report_id for r in kept}
        for name, looked_in in unavailable.items():
            state = "keeping the committed tables" if Path(name).stem in kept_ids else "no committed tables either"
            print(f"could not re-read {name} (not in {looked_in}): {state}", file=sys.stderr)
        reports += kept
    _fail_duplicate_ids(reports)
    series = check_series(reports)
    for report in reports:
        report.findings = [f for f in report.findings if f.check not in ("I4", "I5")] + series.get(report.report_id, [])
    write_outputs(reports, out)
    failed = [r for r in reports if r.status == "failed"]
    print(f"{len(reports)} reports → {out}: {sum(r.status == 'ok' for r in reports)} ok, "
          f"{sum(r.status == 'findings' for r in reports)} with findings, {len(failed)} failed", file=sys.stderr)
    for report in failed:
        print(f"  failed: {report.error}", file=sys.stderr)
    return reports


def _fail_duplicate_ids(reports: list[Report]) -> None:
    """Two files with the same name stem would mix their rows under one report_id: the later one fails."""
    first: dict[str, str] = {}
    for report in reports:
        if report.report_id in first:
            report.values, report.findings = [], []
            report.error = (f"{report.source_file}: report_id {report.report_id} is taken by "
                            f"{first[report.report_id]}; rename one of the files")
        else:
            first[report.report_id] = report.source_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nianbao", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("extract", help="extract reports (files or folders) into tidy CSV files")
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--out", type=Path, required=True, help="folder for reports/values/checks/codebook.csv")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--corpus", type=Path, default=None,
                     help="where sources.csv rows with commit = no are read (default: PROJECT/../shared/corpus)")
    blank = commands.add_parser("template", help="write a blank transcription CSV for a scanned report")
    blank.add_argument("--format", choices=["2019", "2021"], default="2021")
    blank.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "template":
        write_template(args.out, args.format)
        print(f"blank {args.format} transcription template → {args.out}", file=sys.stderr)
        return 0
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    extract(args.paths, args.out, args.jobs, args.corpus)
    return 0
