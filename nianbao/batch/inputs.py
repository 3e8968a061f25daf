"""Which files a batch reads: the paths given, the files of each folder, and the folder's sources.csv rows
whose file is read in place from the shared corpus (commit = no). Anything that is not a regular file of
reasonable size is refused with the reason, before it is opened."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.extract import COMPANION_SUFFIX
from nianbao.readers.scan import page_files
from nianbao.sources import SOURCES_FILE, Source, read_sources_checked

MAX_FILE_BYTES = 200 * 1024 * 1024  # far above any real report (the largest known is a few MB)
SKIPPED_NAMES = {SOURCES_FILE, "README.md", "README.txt", ".gitkeep"}
_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket"}


@dataclass(frozen=True, slots=True)
class Job:
    """One file to extract; ``problem`` says why it is refused unread. ``index`` is its place in the batch.
    The path is kept as text: 10⁵ jobs of Path objects would weigh tens of MB."""

    index: int
    path: str
    source: Source | None
    problem: str = ""


@dataclass
class Inputs:
    jobs: list[Job] = field(default_factory=list)
    unavailable: dict[str, Path] = field(default_factory=dict)  # commit = no files not found: where looked
    warnings: list[str] = field(default_factory=list)


def default_corpus(folder: Path) -> Path:
    """The shared corpus sits beside the project: PROJECT/../shared/corpus for PROJECT/data/raw."""
    return folder.resolve().parent.parent.parent / "shared" / "corpus"


def file_problem(path: Path) -> str:
    """Why ``path`` cannot be read as a report file ("" when it is a regular file within the size limit)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return f"a link to {os.readlink(path)}, which does not exist"
        return "no such file"
    except OSError as error:
        return f"cannot be opened ({error.strerror})"
    if stat.S_ISDIR(info.st_mode):  # a folder of page images only is one scanned report
        return "" if page_files(path) else "a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        link = f"a link to {os.readlink(path)}, " if path.is_symlink() else ""
        return f"{link}{kind}: only regular files are read"
    if info.st_size > MAX_FILE_BYTES:
        return (f"{info.st_size / 1024**2:.0f} MB, above the {MAX_FILE_BYTES // 1024**2} MB limit for a report "
                "file: not read")
    return ""


def _skipped(name: str) -> bool:
    return name in SKIPPED_NAMES or name.startswith(".") or name.endswith(COMPANION_SUFFIX)


def collect(paths: list[Path], corpus: Path | None) -> Inputs:
    """The files to extract, in a fixed order, with their provenance. Raises SourcesError for an unreadable
    sources.csv (the batch cannot know which files are whose)."""
    inputs = Inputs()
    sources_of: dict[Path, dict[str, Source]] = {}

    def sources(folder: Path) -> dict[str, Source]:
        if folder not in sources_of:
            sources_of[folder], warnings = read_sources_checked(folder)
            inputs.warnings += warnings
        return sources_of[folder]

    def add(path: Path, source: Source | None) -> None:
        inputs.jobs.append(Job(len(inputs.jobs), str(path), source, file_problem(path)))

    for path in paths:
        if path.is_dir() and page_files(path):  # a folder of page images only: one scanned report
            add(path, sources(path.parent).get(path.name))
            continue
        if not path.is_dir():
            add(path, sources(path.parent).get(path.name))
            continue
        rows = sources(path)
        for entry in sorted(path.iterdir()):
            if _skipped(entry.name):
                continue
            if entry.is_dir():
                inputs.warnings.append(f"{entry}: a folder inside {path}; not searched (give it as a path to read it)")
                continue
            add(entry, rows.get(entry.name))
        shared = corpus or default_corpus(path)
        for name, source in sorted(rows.items()):
            if source.commit or (path / name).exists() or (path / name).is_symlink():
                continue
            if (shared / name).exists():
                add(shared / name, source)
            else:
                inputs.unavailable[name] = shared
    return inputs
