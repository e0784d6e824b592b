"""Split an X12 byte stream into segments, chunk by chunk, never holding the file.

Why it is shaped like this: an 835 from a large payer can be a gigabyte, and the
import must keep memory flat and still post tens of thousands of claims a second
in pure Python. So the work per chunk is done by C-level ``bytes``/``str``
methods — ``rfind`` the last segment terminator, decode once, ``split`` on the
terminator, ``split`` each segment on the element separator — and the only
Python-level loop is one short iteration per segment. Nothing ever looks at one
character at a time except the few bytes of an ISA header.

Separators are not assumed: they are read from each ISA (element separator =
the byte after ``ISA``, component separator = ISA16, segment terminator = the
byte after ISA16, repetition separator = ISA11 in 5010), and re-read when a
later interchange in the same file declares different ones. Files without an
ISA (a bare ``ST..SE``, or starting at ``GS``) are accepted: the element
separator is the byte after ``ST``/``GS`` and the terminator is ``~`` if the
first segment ends with one, else a newline; the component separator is then
left to the builder to discover from the first composite it meets.

Whitespace around segments (the CR/LF of "wrapped" files, indentation, blank
lines) is stripped, and counted, so every segment carries its line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import BinaryIO

from billing.x12.errors import WarningCode, X12ParseError, X12Warning

__all__ = ["DEFAULT_CHUNK_SIZE", "Handler", "Segment", "SegmentTokenizer", "Separators"]

DEFAULT_CHUNK_SIZE = 1 << 20
# No real segment is anywhere near this long; a buffer that grows past it without
# a terminator means the declared terminator is wrong, and reading on would load
# the whole file.
MAX_SEGMENT_BYTES = 4 << 20
# Text handed to the splitter at a time; see pump(). 8 KiB (a few hundred
# segments) measured 10-15 % faster than 32 KiB and twice as fast as 1 MiB.
_WINDOW = 8 << 10
# An ISA is 106 bytes; allow generous slack for unpadded or over-padded ones.
_MAX_ISA_BYTES = 4096

_BOM = b"\xef\xbb\xbf"
# Whitespace around segments. Explicit, because str.strip() would also eat the
# ASCII information separators (0x1C-0x1F) that some senders use as delimiters.
_WHITESPACE = b" \t\r\n\x0b\x0c"
_SPACE = _WHITESPACE.decode("ascii")
_NEWLINES = b"\r\n"
# Where a later interchange may start inside a buffer that has no terminator.
_ISA_START = re.compile(rb"(?:^|[\s~])(ISA)[^A-Za-z0-9\s]")

# (segment index, line, elements): elements[0] is the segment id.
Segment = tuple[int, int, list[str]]
# Called with (elements, segment index, line) for each segment.
Handler = Callable[[list[str], int, int], None]


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters of one interchange.

    ``component`` is ``None`` for a file without an ISA, where it is unknown
    until a composite element shows it.
    """

    element: str
    segment: str
    component: str | None
    repetition: str | None
    enveloped: bool


def _tidy_segments(text: str, term: str) -> tuple[list[str], int, int] | None:
    """The segments of a run written the usual way, split at C speed; ``None``
    when the run needs the general, piece-by-piece path.

    "The usual way": one terminator per segment followed either by nothing (a
    single-line file) or by exactly one line break ("~\\n" or "~\\r\\n"
    wrapping), or a newline terminator; no blank segment. Then the line of the
    k-th segment is arithmetic, and stripping stray spaces at segment edges
    (one ``map``) cannot move a line. Returns the segments, the lines before
    the first one, and the lines per segment.
    """
    if term == "\n":
        if text.startswith("\n"):
            return None  # a blank line
        segments = text.split(term)
        lead, step = 0, 1
    else:
        if text.startswith("\r\n"):
            wrap = "\r\n"
        elif text.startswith("\n"):
            wrap = "\n"
        else:
            after = text.find(term) + 1
            wrap = (
                "\r\n"
                if text.startswith("\r\n", after)
                else "\n"
                if text.startswith("\n", after)
                else ""
            )
        lead = 1 if wrap and text.startswith(wrap) else 0
        body = text[len(wrap) :] if lead else text
        segments = body.split(term + wrap)
        breaks = len(segments) - 1
        # Then every terminator and every line break is one of those split on.
        if body.count(term) != breaks or body.count("\n") != (breaks if wrap else 0):
            return None
        step = 1 if wrap else 0
    segments = list(map(str.strip, segments, repeat(_SPACE)))
    if "" in segments:
        return None
    return segments, lead, step


def _is_delimiter(byte: int) -> bool:
    """A byte that may serve as a separator: printable or control, never a letter,
    digit or space (those occur in data)."""
    return not (chr(byte).isalnum() or byte == 0x20)


class SegmentTokenizer:
    """Read segments from a binary file object, a window at a time.

    ``pump(handlers, fallback)`` calls a handler per segment (what the parser
    uses); iterating (``batches()``) yields lists of ``Segment`` tuples instead.
    ``segment_count``, ``line`` and ``last_line`` (line of the last segment)
    advance as the file is read; ``warnings`` collects separator quirks, each
    tagged with the index of its interchange's first segment so the builder
    can attach it to that interchange.
    """

    def __init__(self, fileobj: BinaryIO, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self._file = fileobj
        self._chunk_size = chunk_size
        self._window = min(_WINDOW, chunk_size)
        # A bytearray so that appending many small reads stays linear.
        self._buf = bytearray()
        self._pos = 0
        self._eof = False
        self._codec = "utf-8"
        self.separators: Separators | None = None
        self.warnings: list[X12Warning] = []
        self.segment_count = 0
        self.line = 1
        self.last_line = 1
        # Newlines around a segment precede it ("~\n" wrapping) unless the
        # terminator is written at the start of each line.
        self._newlines_lead = True

    # -- reading -----------------------------------------------------------------

    def _fill(self) -> bool:
        """Append one chunk to the buffer; False (and ``_eof``) at end of file."""
        if self._eof:
            return False
        data = self._file.read(self._chunk_size)
        if isinstance(data, str):
            raise TypeError("open the 835 file in binary mode ('rb')")
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def _decode(self, data: bytes) -> str:
        """Decode one run of complete segments.

        X12 is ASCII in practice; UTF-8 is tried first (so names with accents
        survive) and Latin-1 is the fallback that cannot fail. The run always
        ends at a terminator, so a multi-byte character is never cut in two.
        """
        try:
            self._codec = "utf-8"
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self._codec = "latin-1"
            return data.decode("latin-1")

    # -- separators ----------------------------------------------------------------

    def _error(self, message: str, leading: bytes = b"", segment_id: str | None = None):
        line = self.line + leading.count(b"\n")
        return X12ParseError(message, self.segment_count + 1, line, segment_id)

    def _sniff(self) -> None:
        """Learn the separators of the interchange that starts the buffer."""
        self._compact()
        while True:
            buf = self._buf
            if self.segment_count == 0 and self.line == 1:
                if len(buf) < len(_BOM) and not self._eof and _BOM.startswith(buf):
                    self._fill()
                    continue
                if buf.startswith(_BOM):
                    del buf[: len(_BOM)]
            body = buf.lstrip(_WHITESPACE)
            leading = buf[: len(buf) - len(body)]
            if len(body) < 4 and not self._eof:
                self._fill()
                continue
            if not body:
                if self.segment_count == 0:
                    raise X12ParseError("empty file: no X12 segments", None, None, None)
                return
            self._newlines_lead = True
            if body.startswith(b"ISA"):
                found = self._sniff_isa(body, leading)
            elif body[:2] in (b"ST", b"GS") and len(body) > 2 and _is_delimiter(body[2]):
                found = self._sniff_bare(body, leading)
            else:
                start = body[:20].decode("latin-1")
                raise self._error(
                    f"not an X12 file: expected it to start with 'ISA' (or 'ST'), found {start!r}",
                    leading,
                )
            if found is not None:
                self.separators = found
                return
            if self._eof or len(body) > _MAX_ISA_BYTES:
                raise self._error(
                    "file ends inside the interchange header (ISA): truncated file",
                    leading,
                    "ISA",
                )
            self._fill()

    def _sniff_isa(self, body: bytes, leading: bytes) -> Separators | None:
        """Separators from an ISA; ``None`` when more bytes are needed."""
        if len(body) < 4:
            return None
        es = body[3:4]
        if not _is_delimiter(es[0]) or es in b"\r\n\t":
            raise self._error(f"ISA element separator {es!r} is not a delimiter", leading, "ISA")
        pos = 3
        for _ in range(15):
            pos = body.find(es, pos + 1)
            if pos < 0:
                return None
        if len(body) < pos + 3:
            return None
        header = body[:pos]
        component, term = body[pos + 1 : pos + 2], body[pos + 2 : pos + 3]
        suspicious = (b"\r", b"\n", term) if es == b"~" else (b"\r", b"\n", b"~", term)
        if any(c in header for c in suspicious) or not _is_delimiter(component[0]):
            raise self._error(
                "ISA is malformed or truncated: expected 16 elements followed by the "
                "component separator and the segment terminator",
                leading,
                "ISA",
            )
        if component == es or component in _WHITESPACE:
            raise self._error(
                f"ISA16 component separator {component!r} is unusable", leading, "ISA"
            )
        if term in _NEWLINES:
            # Either the terminator is the newline itself, or (seen in old files)
            # the real terminator starts each following line: "...*:\n~GS*...".
            rest = body[pos + 3 :].lstrip(_NEWLINES)
            if not rest and not self._eof:
                return None
            if rest and _is_delimiter(rest[0]) and rest[:1] not in (es, component, b"\t"):
                term = rest[:1]
                self._newlines_lead = False
                self.warnings.append(
                    X12Warning(
                        WarningCode.LEADING_TERMINATOR,
                        f"segment terminator {term.decode('latin-1')!r} is written at the "
                        "start of each line instead of the end of each segment",
                        self.segment_count + 1,
                        self.line + leading.count(b"\n"),
                    )
                )
            else:
                term = b"\n"
        elif not _is_delimiter(term[0]) or term in (es, component):
            raise self._error(f"ISA segment terminator {term!r} is unusable", leading, "ISA")
        elements = header.split(es)
        repetition = None
        if (
            len(elements) > 12
            and elements[12] >= b"00501"
            and len(elements[11]) == 1
            and _is_delimiter(elements[11][0])
            and elements[11] not in (es, component, term)
        ):
            repetition = elements[11].decode("latin-1")
        return Separators(
            es.decode("latin-1"),
            term.decode("latin-1"),
            component.decode("latin-1"),
            repetition,
            True,
        )

    def _sniff_bare(self, body: bytes, leading: bytes) -> Separators | None:
        """Separators for a file that starts at ST (or GS) with no ISA."""
        es = body[2:3]
        tilde = body.find(b"~")
        newline = body.find(b"\n")
        if tilde < 0 and newline < 0:
            if not self._eof and len(body) <= _MAX_ISA_BYTES:
                return None
            term = b"~"
        elif tilde >= 0 and (newline < 0 or tilde < newline):
            term = b"~"
        else:
            term = b"\n"
            rest = body[newline:].lstrip(_NEWLINES)
            if rest.startswith(b"~"):
                term = b"~"
                self._newlines_lead = False
                self.warnings.append(
                    X12Warning(
                        WarningCode.LEADING_TERMINATOR,
                        "segment terminator '~' is written at the start of each line",
                        self.segment_count + 1,
                        self.line + leading.count(b"\n"),
                    )
                )
        return Separators(es.decode("latin-1"), term.decode("latin-1"), None, None, False)

    # -- splitting -------------------------------------------------------------------

    def pump(self, handlers: Mapping[str, Handler], fallback: Handler) -> Iterator[int]:
        """Read the file and call ``handlers[segment_id](elements, index, line)``
        for each segment in order (``fallback`` for ids not in ``handlers``).

        Yields the number of segments read so far after each window, so the
        caller can hand on what the handlers produced. Dispatching here, in the
        same loop that splits the segments, saves a second pass over them.

        The file is read ``chunk_size`` bytes at a time but split in windows of
        at most ``_WINDOW`` bytes (cut at a terminator): the segments of a small
        window are still in the CPU cache when the handlers consume them.
        """
        self._fill()
        self._sniff()
        if self.separators is None:
            return
        get = handlers.get
        window = self._window
        while True:
            buf, pos = self._buf, self._pos
            if len(buf) - pos < window and not self._eof:
                self._compact()
                self._fill()
                continue
            term = self.separators.segment.encode("latin-1")
            cut = buf.rfind(term, pos, pos + window)
            if cut < 0:
                cut = buf.find(term, pos + window)
            if cut >= 0:
                self._pos = cut + 1
                self._dispatch(self._decode(buf[pos:cut]), False, get, fallback)
                yield self.segment_count
                continue
            if self._eof:
                rest = buf[pos:]
                self._buf, self._pos = bytearray(), 0
                if not rest.strip(_WHITESPACE):
                    self.line += rest.count(b"\n")
                    return
                # Last segment without a terminator: accept it.
                self._dispatch(self._decode(rest), True, get, fallback)
                yield self.segment_count
                if not self._buf:
                    return
            elif len(buf) - pos > MAX_SEGMENT_BYTES:
                self._dispatch_oversized(get, fallback)
                yield self.segment_count
            else:
                self._compact()
                self._fill()

    def batches(self) -> Iterator[list[Segment]]:
        """The segments as ``(index, line, elements)`` tuples, one list per window
        (for tests and tools; the parser itself uses ``pump``)."""
        collected: list[Segment] = []

        def collect(elements: list[str], index: int, line: int) -> None:
            collected.append((index, line, elements))

        for _ in self.pump({}, collect):
            if collected:
                batch = collected[:]
                collected.clear()
                yield batch

    __iter__ = batches

    def _compact(self) -> None:
        """Drop the consumed part of the buffer (cheap: done when little is left)."""
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0

    def _dispatch_oversized(self, get, fallback: Handler) -> None:
        """No terminator in a very long buffer: a new interchange with other
        separators, or a file whose declared terminator is wrong."""
        self._compact()
        buf = self._buf
        match = _ISA_START.search(buf, 1)
        if match is None:
            raise self._error(
                f"no segment terminator {self.separators.segment!r} within "
                f"{MAX_SEGMENT_BYTES} bytes: the file's separators are wrong"
            )
        head = bytes(buf[: match.start(1)])
        del buf[: match.start(1)]
        self._dispatch(self._decode(head), True, get, fallback)
        self._sniff()

    def _new_interchange(self, pieces: list[str]) -> int | None:
        """Index of the first piece that starts an ISA with other separators.

        Only called for the rare window whose text contains "ISA"; an ISA with
        the current separators (the usual case) needs no re-reading.
        """
        es = self.separators.element
        for i, piece in enumerate(pieces):
            s = piece.strip(_SPACE)
            if s.startswith("ISA"):
                elements = s.split(es)
                if elements[0] != "ISA" or len(elements) != 17 or len(elements[16]) != 1:
                    return i
        return None

    def _dispatch_tidy(
        self, segments: list[str], lead: int, step: int, es: str, get, fallback: Handler
    ) -> None:
        """``_dispatch`` for a run ``_tidy_segments`` could split: the same calls."""
        idx = self.segment_count
        first_line = self.line + lead
        if step:
            # Segment idx + 1 is on first_line, and each one is a line further.
            offset = first_line - idx - 1
            for segment in segments:
                elements = segment.split(es)
                idx += 1
                get(elements[0], fallback)(elements, idx, idx + offset)
            self.last_line = idx + offset
            # A newline terminator ends the last segment's line too.
            self.line = self.last_line + (self.separators.segment == "\n")
        else:
            for segment in segments:
                elements = segment.split(es)
                idx += 1
                get(elements[0], fallback)(elements, idx, first_line)
            self.last_line = self.line = first_line
        self.segment_count = idx

    def _dispatch(self, text: str, final: bool, get, fallback: Handler) -> None:
        """Split a run of complete segments and hand each to its handler.

        Newlines in a piece are counted as *leading* the segment (the usual
        "``~\\n``" wrapping) unless the terminator starts the lines, where they
        trail it. A piece that starts a new interchange with different
        separators ends the run: the rest is pushed back and re-sniffed.
        """
        seps = self.separators
        term = seps.segment
        es = seps.element
        if "ISA" not in text and self._newlines_lead:
            tidy = _tidy_segments(text, term)
            if tidy is not None:
                self._dispatch_tidy(*tidy, es, get, fallback)
                return
        pieces = text.split(term)
        rest = None
        if "ISA" in text:
            stop = self._new_interchange(pieces)
            if stop is not None:
                rest = term.join(pieces[stop:]) + ("" if final else term)
                del pieces[stop:]
        newline_term = 1 if term == "\n" else 0
        lead = self._newlines_lead
        idx = self.segment_count
        line = seg_line = self.line
        for piece in pieces:
            s = piece.strip(_SPACE)
            if s is piece:
                if not s:
                    line += newline_term
                    continue
                seg_line = line
            else:
                n = piece.count("\n")
                if not s:
                    line += n + newline_term
                    continue
                if not lead:
                    seg_line = line
                    line += n
                elif n == 1:
                    # "~\n" wrapping: the newline precedes the segment.
                    line += 1
                    seg_line = line
                else:
                    before = len(piece) - len(piece.lstrip(_SPACE))
                    seg_line = line + piece.count("\n", 0, before)
                    line += n
            elements = s.split(es)
            idx += 1
            get(elements[0], fallback)(elements, idx, seg_line)
            line += newline_term
        self.segment_count = idx
        self.line = line
        self.last_line = seg_line
        if rest is not None:
            self._buf = bytearray(rest.encode(self._codec)) + self._buf[self._pos :]
            self._pos = 0
            self._sniff()
