"""The output folder as one unit: checked before any work, locked while a batch writes it, and replaced whole.

The new files are written into a temporary folder beside ``--out`` and exchanged with it in one rename at the
end, so that a kill, Ctrl-C or full disk at any moment leaves either the previous set of files or the new one,
never a mix or a cut file. Files in ``--out`` that the engine does not write are carried over (hard links).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

OUTPUT_FILES = ("reports.csv", "values.csv", "checks.csv", "codebook.csv", "check_definitions.csv",
                "reports.parquet", "values.parquet", "checks.parquet")
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be written; nothing was changed."""


def _writable(path: Path) -> str:
    """Why ``path`` (an existing folder) cannot be written to, or ""."""
    # Root passes every permission check: a folder made read-only by its owner is honoured all the same.
    if not stat.S_IMODE(path.stat().st_mode) & 0o222:
        return "is read-only"
    if not os.access(path, os.W_OK | os.X_OK):
        return "is not writable by this user"
    return ""


def check_out(out: Path) -> Path:
    """The output folder (links resolved) if a batch can write it; else OutputError with the reason."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")
    if out.is_dir() and (problem := _writable(out)):
        raise OutputError(f"--out {out} {problem}")
    parent = next((p for p in [out.parent, *out.parent.parents] if p.exists()), None)
    if parent is None or not parent.is_dir():
        raise OutputError(f"--out {out}: {parent} is not a folder")
    if problem := _writable(parent):
        raise OutputError(f"--out {out}: its folder {parent} {problem}")
    return out


class OutputLock:
    """An exclusive lock on ``--out`` (a lock file beside it): a second batch into the same folder waits."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out.parent / f".{out.name}.lock"
        self.handle = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.handle = self.path.open("a+")
        except OSError as error:
            raise OutputError(f"cannot create the lock file {self.path}: {error.strerror}") from error
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            print(f"{self.out} is being written by {holder}; waiting for it to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"nianbao extract (pid {os.getpid()})\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.close()  # closing releases the lock (and the kernel releases it if the process dies)


class Staging:
    """The temporary folder a batch writes into, beside ``--out``; ``commit`` puts it in place of ``--out``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.prefix = f".{out.name}.new-"
        self.aside = out.parent / f".{out.name}.old"

    def __enter__(self) -> Staging:
        # Under the lock, an earlier staging folder is a killed run's leftover; a folder set aside is the previous
        # output of a run killed between the two renames of the fallback exchange.
        for stale in self.out.parent.glob(f"{self.prefix}*"):
            shutil.rmtree(stale, ignore_errors=True)
        if self.aside.is_dir():
            if self.out.exists():
                shutil.rmtree(self.aside)
            else:
                os.rename(self.aside, self.out)
        mode = stat.S_IMODE(self.out.stat().st_mode) if self.out.is_dir() else 0o777 & ~_umask()
        try:
            self.path = Path(tempfile.mkdtemp(prefix=self.prefix, dir=self.out.parent))
            os.chmod(self.path, mode)
        except OSError as error:
            raise OutputError(f"--out {self.out}: cannot create a folder beside it ({error.strerror})") from error
        self.parts = self.path / "parts"
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> None:
        """Replace ``--out`` by the staging folder in one step; the old files leave with the staging folder."""
        shutil.rmtree(self.parts, ignore_errors=True)
        for name in OUTPUT_FILES:
            _fsync(self.path / name)
        _fsync(self.path)
        if self.out.is_dir():
            self._carry_over()
            self._exchange()
        else:
            os.rename(self.path, self.out)
        _fsync(self.out.parent)

    def _carry_over(self) -> None:
        """Files a user keeps in --out beside the outputs stay: hard links, so the originals are never touched."""
        for entry in self.out.iterdir():
            if entry.name in OUTPUT_FILES:
                continue
            target = self.path / entry.name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(entry, target)

    def _exchange(self) -> None:
        """Swap staging and --out atomically (Linux renameat2); where the file system cannot, two renames, and a
        run killed between them has its previous output put back by the next run (see __enter__)."""
        renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
        if renameat2 is not None:
            if renameat2(_AT_FDCWD, os.fsencode(self.path), _AT_FDCWD, os.fsencode(self.out), _RENAME_EXCHANGE) == 0:
                return
            if ctypes.get_errno() not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(self.out))
        os.rename(self.out, self.aside)
        os.rename(self.path, self.out)
        os.rename(self.aside, self.path)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
