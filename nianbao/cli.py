"""Command line: ``nianbao extract PATH... --out DIR`` and ``nianbao template`` (also ``python -m nianbao``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nianbao import batch
from nianbao.batch.workers import SCHEDULER_VARIABLE
from nianbao.template import write_template

EPILOG = """exit status of extract: 0 every file was read; 1 some files failed (outputs written, see reports.csv);
2 nothing was written (bad arguments, --out not writable, unreadable sources.csv, interrupted)"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("extract", help="extract reports (files or folders) into the tidy tables",
                              epilog=EPILOG)
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--out", type=Path, required=True,
                     help="folder for reports/values/checks (.csv and .parquet) and codebook.csv")
    run.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    run.add_argument("--corpus", type=Path, default=None,
                     help="where sources.csv rows with commit = no are read (default: PROJECT/../shared/corpus)")
    run.add_argument("--scheduler", default=os.environ.get(SCHEDULER_VARIABLE) or None,
                     help=f"address of a dask.distributed scheduler to extract on (default: ${SCHEDULER_VARIABLE}; "
                          "without it, local processes)")
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
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    try:
        result = batch.extract(args.paths, args.out, args.jobs, args.corpus, args.scheduler)
    except (batch.OutputError, batch.SourcesError) as error:
        print(f"error: {error}; nothing was written", file=sys.stderr)
        return batch.EXIT_NOT_WRITTEN
    except (KeyboardInterrupt, batch.Interrupted):
        print(f"interrupted: nothing was written; {args.out} is as it was", file=sys.stderr)
        return batch.EXIT_NOT_WRITTEN
    except OSError as error:  # a full disk, a folder removed under the run
        print(f"error: cannot write the outputs ({error}); nothing was written, {args.out} is as it was",
              file=sys.stderr)
        return batch.EXIT_NOT_WRITTEN
    counts = result.statuses
    print(f"{result.reports} reports → {result.out}: {counts['ok']} ok, {counts['findings']} with findings, "
          f"{counts['failed']} failed", file=sys.stderr)
    for error in result.failures:
        print(f"  failed: {error}", file=sys.stderr)
    if counts["failed"] > len(result.failures):
        print(f"  … and {counts['failed'] - len(result.failures)} more (status failed in reports.csv)", file=sys.stderr)
    return result.exit_code
