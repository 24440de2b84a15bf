"""Reading an uploaded ZIP (.qdpx) without trusting it: member count, sizes, ratio, paths.

Declared sizes are checked first, and every read also counts the bytes that really
come out, stopping as soon as the installation's cap (STORYBANK_IMPORT_MAX_BYTES)
is passed, so a member whose header lies cannot fill the disk or the memory.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import IO

from storybank.errors import InvalidInput

MAX_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed / compressed, for members large enough to matter
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


class SafeZip:
    def __init__(self, source: bytes | IO[bytes], max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.read_so_far = 0
        stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InvalidInput("The file is not a ZIP archive: a .qdpx file is a ZIP holding project.qde "
                               "and its sources.") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InvalidInput(f"The ZIP holds {len(infos):,} files; at most {MAX_MEMBERS:,} are accepted.")
        declared = 0
        self.names: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
                raise InvalidInput(f"The ZIP holds a file with an unsafe path: {info.filename[:100]!r}.")
            if info.flag_bits & 0x1:
                raise InvalidInput(f"The ZIP member {name[:100]!r} is encrypted; export it without a password.")
            declared += info.file_size
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise InvalidInput(f"The ZIP member {name[:100]!r} expands {info.file_size // max(info.compress_size, 1):,} "
                                   "times: this looks like a ZIP bomb, so nothing was imported.")
            if not info.is_dir():
                self.names[name] = info
        if declared > max_bytes:
            raise InvalidInput(f"The ZIP would expand to {_mb(declared)}; the limit is {_mb(max_bytes)} "
                               "(STORYBANK_IMPORT_MAX_BYTES).")

    def find(self, wanted: str) -> str | None:
        """A member's name matched without regard to case (ATLAS.ti writes Project.qde and Sources/)."""
        if wanted in self.names:
            return wanted
        lower = wanted.lower()
        for name in self.names:
            if name.lower() == lower:
                return name
        return None

    def project_file(self) -> str:
        """The .qde inside: project.qde, or ATLAS.ti's variants, or the only .qde there is."""
        for candidate in ("project.qde",):
            found = self.find(candidate)
            if found:
                return found
        qdes = [n for n in self.names if n.lower().endswith(".qde") and "/" not in n]
        if len(qdes) == 1:
            return qdes[0]
        if not qdes:
            raise InvalidInput("The ZIP holds no project.qde: is this a REFI-QDA project (.qdpx) file?")
        raise InvalidInput(f"The ZIP holds several .qde files ({', '.join(sorted(qdes)[:3])}); expected one.")

    def read(self, name: str) -> bytes:
        """A member's bytes, counting what really comes out against the cap."""
        info = self.names[name]
        out = bytearray()
        try:
            with self.zip.open(info) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    self.read_so_far += len(chunk)
                    if self.read_so_far > self.max_bytes:
                        raise InvalidInput(f"The ZIP expands to more than {_mb(self.max_bytes)} "
                                           "(STORYBANK_IMPORT_MAX_BYTES): nothing was imported.")
                    out += chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
            raise InvalidInput(f"The ZIP member {name[:100]!r} is damaged: {err}.") from None
        return bytes(out)

