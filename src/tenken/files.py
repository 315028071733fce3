"""Every file and folder tenken writes is its owner's only: files 0600, folders 0700, whatever the umask.

Certificates and exports hold full IMEIs, evidence pages a customer's phone, the data folder all of it.
Everything tenken writes goes through here (tests/test_architecture.py finds any write elsewhere):

- `private_folder`: a folder, every missing level of it created 0700; a folder that exists is the
  user's and left as it is, except tenken's data folder (`tighten=True`: made 0700 when this user owns
  it, as tenken makes an older version's 0644 database files 0600).
- `private_file` / `write_private`: a file written beside its final name (0600 from the start) and moved
  over it when complete, so that no one reads it half-written, a file of the same name that was readable
  by others is replaced rather than reused, and a failed write leaves the old file as it was. A
  symbolic link is written through. A target that is not a regular file (`/dev/null`, a FIFO, a
  terminal) is written in place and its mode left alone: it is not a file tenken keeps.

Standard output (`--out -`) is not a file and does not come here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path, *, tighten: bool = False) -> Path:
    """`path` as a folder; each level created here is 0700. Raises OSError."""
    missing: list[Path] = []
    probe = path
    while not probe.is_dir():
        if os.path.lexists(probe) and not probe.is_symlink():
            raise NotADirectoryError(20, "Not a directory", str(probe))
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by another process just now: not ours to change
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask
    if tighten and path not in missing:
        _tighten(path)
    return path


def _tighten(folder: Path) -> None:
    status = folder.stat()
    if status.st_uid == os.geteuid() and status.st_mode & 0o077:
        os.chmod(folder, FOLDER_MODE)


@contextlib.contextmanager
def private_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file to write `path` with, 0600; in place at the end of the block, removed on an error.
    Its folder must exist (`private_folder` first, where tenken makes it). Raises OSError."""
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        kind = None
    if kind is not None and not stat.S_ISREG(kind):
        with open(path, "wb") as device:  # /dev/null, a FIFO, a terminal: not a file tenken keeps
            yield device
        return
    target = Path(os.path.realpath(path))  # through a symbolic link, to where it points
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:  # mkstemp makes it 0600 (FILE_MODE), whatever the umask
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes) -> None:
    """`data` as the whole of `path`, 0600 (see `private_file`). Raises OSError."""
    with private_file(path) as file:
        file.write(data)
