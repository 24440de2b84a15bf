"""A fresh Whoosh index written by worker processes, one whole segment per task.

Whoosh's own multiprocessing writer makes one segment per worker per commit, so
keeping segments small (a withdrawal rewrites one) meant a commit every few
thousand stories: at each one the reading of stories stopped until both workers
had finished, and new workers started cold. Here the workers live for the whole
build and each task is one segment of documents: the parent keeps reading the
database while they write, and the segments join the index in one commit at the
end, in the order the stories were read. This does what `MpWriter` does with
`multisegment=True` (the same Whoosh calls), without its stops.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

LIMIT_MB = 64  # per worker: a segment's postings are sorted in memory up to this size


def _open(folder: str) -> object:
    return FileStorage(folder, supports_mmap=False).open_index()  # no memory maps, as the engine reads


class _Lengths:
    """A segment's per-document reader whose field lengths are read once per field.

    Writing the postings asks for the document's field length once per posting
    (for the blocks' length bounds): about a fifth of the writing time, reading the
    same few thousand numbers from the file again and again.
    """

    def __init__(self, reader: object, doc_count: int) -> None:
        self._reader = reader
        self._doc_count = doc_count
        self._tables: dict[tuple[str, object], list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: object = 0) -> object:
        table = self._tables.get((fieldname, default))
        if table is None:
            read = self._reader.doc_field_length
            table = [read(d, fieldname, default) for d in range(self._doc_count)]
            self._tables[(fieldname, default)] = table
        return table[docnum]

    def __getattr__(self, name: str) -> object:
        return getattr(self._reader, name)


class _SegmentWriter(SegmentWriter):
    def per_document_reader(self) -> object:
        return _Lengths(super().per_document_reader(), self.docnum)


def write_segment(folder: str, docs: list[dict[str, str]]) -> object:
    """Write one segment of `docs` into the index in `folder` (no lock: the parent holds the build's)."""
    ix = _open(folder)
    writer = _SegmentWriter(ix, _lk=False, limitmb=LIMIT_MB)
    for fields in docs:
        writer.add_document(**fields)
    return writer._finalize_segment()


class SegmentBuilder:
    """Segments written by `procs` worker processes (in this process when procs is 1)."""

    def __init__(self, procs: int) -> None:
        self.procs = procs
        self._pool = None
        self._pending: dict[str, deque] = {}
        self._done: dict[str, list] = {}

    def add(self, folder: Path, docs: list[dict[str, str]]) -> None:
        key = str(folder)
        done = self._done.setdefault(key, [])
        if self.procs <= 1:
            done.append(write_segment(key, docs))
            return
        if self._pool is None:
            self._pool = multiprocessing.get_context("fork").Pool(self.procs)
        pending = self._pending.setdefault(key, deque())
        pending.append(self._pool.apply_async(write_segment, (key, docs)))
        while sum(len(p) for p in self._pending.values()) > 2 * self.procs:  # bounded memory
            self._collect_oldest()

    def _collect_oldest(self) -> None:
        for key, pending in self._pending.items():
            if pending:
                self._done[key].append(pending.popleft().get())
                return

    def finish(self) -> None:
        """Wait for every segment, then commit each index's segments (in the order they were added)."""
        for key, pending in self._pending.items():
            while pending:
                self._done[key].append(pending.popleft().get())
        self._stop()
        for key, segments in self._done.items():
            writer = _open(key).writer()
            writer._close_segment()  # its own (empty) segment, as MpWriter does when it added nothing
            writer._commit_toc(segments)
            writer._finish()

    def abandon(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
