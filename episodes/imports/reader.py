"""Open a bundle (folder or .zip) and stream its CSV files as (line, fields) records.

Nothing here holds a whole file: the zip members and files are read line by line, and
each line is decoded on its own so that a byte sequence that is not UTF-8 is reported
with the physical line it is on (UTF-8 never splits a character across a newline).
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from episodes.imports.schema import FILES_BY_NAME

BOM = b"\xef\xbb\xbf"


class BundleError(Exception):
    """The bundle as a whole cannot be read (missing, not a folder or zip, corrupt zip)."""


class FileError(Exception):
    """A file cannot be read further; `line` is where reading stopped."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class Bundle:
    """The known files present (name → opener of a binary stream) and what was skipped."""

    openers: dict[str, Callable[[], IO[bytes]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@contextmanager
def open_bundle(source: Path) -> Iterator[Bundle]:
    source = Path(source)
    if source.is_dir():
        yield _folder_bundle(source)
    elif source.is_file():
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BundleError(f"{source.name} is not a readable .zip file: {exc}") from exc
        with archive:
            yield _zip_bundle(archive)
    else:
        raise BundleError(f"{source} is neither a folder nor a file")


def _classify(name: str, bundle: Bundle, opener: Callable[[], IO[bytes]]) -> None:
    """Accept a top-level file named like a spec file; warn about anything else."""
    lowered = name.lower()
    if not lowered.endswith(".csv"):
        bundle.warnings.append(f"ignored {name}: not a .csv file")
    elif lowered[: -len(".csv")] not in FILES_BY_NAME:
        bundle.warnings.append(f"ignored {name}: not a file of the EMR export spec")
    elif lowered[: -len(".csv")] in bundle.openers:
        bundle.warnings.append(f"ignored {name}: the bundle has this file twice")
    else:
        bundle.openers[lowered[: -len(".csv")]] = opener


def _folder_bundle(folder: Path) -> Bundle:
    bundle = Bundle()
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            bundle.warnings.append(f"ignored folder {path.name}/: bundles are flat")
        else:
            _classify(path.name, bundle, lambda path=path: path.open("rb"))
    return bundle


def _zip_bundle(archive: zipfile.ZipFile) -> Bundle:
    """Files at the root of the zip; a zip made by compressing the bundle's folder
    (every file in one top-level folder) is read from that folder."""
    bundle = Bundle()
    members = [info for info in archive.infolist() if not info.is_dir()]
    junk = [m for m in members if m.filename.startswith("__MACOSX/") or _hidden(m.filename)]
    members = [m for m in members if m not in junk]
    prefix = _common_folder(members)
    for info in junk:
        bundle.warnings.append(f"ignored {info.filename}: operating-system metadata")
    for info in members:
        name = info.filename[len(prefix) :]
        if "/" in name:
            bundle.warnings.append(f"ignored {info.filename}: files in subfolders are not read")
            continue
        _classify(name, bundle, lambda info=info: archive.open(info))
    return bundle


def _hidden(name: str) -> bool:
    return any(part.startswith(".") for part in name.split("/"))


def _common_folder(members: list[zipfile.ZipInfo]) -> str:
    tops = {m.filename.split("/", 1)[0] for m in members}
    if len(tops) == 1 and all("/" in m.filename for m in members):
        return tops.pop() + "/"
    return ""


def _raw_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream's lines; a damaged zip member surfaces here, as a file problem."""
    lines = iter(stream)
    number = 0
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise FileError(number + 1, f"cannot be read: {exc}") from exc
        number += 1
        yield raw


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    for number, raw in enumerate(_raw_lines(stream), start=1):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        if b"\x00" in raw:
            raise FileError(number, "contains NUL bytes: not UTF-8 text (UTF-16?)")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileError(
                number, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from exc


class CsvFile:
    """RFC 4180 records of one file. `header` is read on construction; iterating yields
    (physical line where the record starts, fields). Blank lines are skipped."""

    def __init__(self, stream: IO[bytes]):
        self._reader = csv.reader(_decoded_lines(stream), strict=True)
        try:
            self.header = next(self._reader, None)
        except csv.Error as exc:
            raise FileError(self._reader.line_num, f"malformed CSV: {exc}") from exc
        if self.header is None:
            raise FileError(1, "the file is empty: a header row is required")

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        previous = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileError(previous + 1, f"malformed CSV: {exc}") from exc
            start, previous = previous + 1, reader.line_num
            if fields:
                yield start, fields
