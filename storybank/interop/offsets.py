"""Selection positions as other tools count them, mapped to storybank's (code points, end exclusive).

storybank keeps a source's text with line breaks as LF and no byte-order mark. Real
exporters count differently, which is what breaks most round trips:

- `codepoints`: Unicode code points over the file's text as written (the standard; MAXQDA,
  QualCoder, storybank). A CRLF in the file counts as two.
- `utf16`: NVivo counts UTF-16 code units (an emoji is two) and CRLF as two, after the BOM.
- `crlf1`: ATLAS.ti counts code points but a CRLF as one.

The byte-order mark is never counted.
"""
from __future__ import annotations

from storybank.errors import InvalidInput

CONVENTIONS = ("codepoints", "utf16", "crlf1")
CONVENTION_LABELS = {
    "codepoints": "Unicode code points (the standard)",
    "utf16": "UTF-16 code units, CRLF as two (NVivo)",
    "crlf1": "code points, CRLF as one (ATLAS.ti)",
}


def convention_for(origin: str) -> str:
    """How the tool named in a file's `origin` counts positions."""
    name = (origin or "").lower()
    if "nvivo" in name:
        return "utf16"
    if "atlas" in name:
        return "crlf1"
    return "codepoints"


def decode_text(data: bytes) -> str:
    """A source's text file: UTF-8 (with or without BOM) or UTF-16 with a BOM; the BOM is dropped."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InvalidInput(f"is not UTF-8 text (byte {err.start})") from None
    return text.lstrip("\ufeff")


class TextMap:
    """A source's text normalised to LF, and the map from a convention's positions to it."""

    def __init__(self, raw: str, convention: str) -> None:
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown convention {convention!r}")
        raw = raw.lstrip("\ufeff")
        out: list[str] = []
        table = [0]  # table[p] = normalised offset for position p, or -1 inside a character
        i, n = 0, 0
        while i < len(raw):
            ch = raw[i]
            if ch == "\r" and raw[i + 1:i + 2] == "\n":
                n += 1
                out.append("\n")
                if convention != "crlf1":
                    table.append(n - 1)  # between CR and LF: the line break's start
                table.append(n)
                i += 2
                continue
            out.append("\n" if ch == "\r" else ch)
            n += 1
            if convention == "utf16" and ord(ch) > 0xFFFF:
                table.append(-1)  # the middle of a surrogate pair is no boundary
            table.append(n)
            i += 1
        self.text = "".join(out)
        self._table = table
        self.convention = convention

    @property
    def length(self) -> int:
        """The text's length as the convention counts it."""
        return len(self._table) - 1

    def to_codepoints(self, position: int) -> int | None:
        """storybank's offset for a position, or None when it is outside the text or inside a character."""
        if not 0 <= position < len(self._table):
            return None
        value = self._table[position]
        return None if value < 0 else value

    def inside_character(self, position: int) -> bool:
        """Whether a position falls between the two UTF-16 code units of one character (an emoji, say)."""
        return 0 <= position < len(self._table) and self._table[position] < 0


def encode_position(text: str, offset: int, convention: str, crlf: bool = False) -> int:
    """The inverse: a storybank offset into LF text as `convention` counts it (CRLF written when `crlf`)."""
    head = text[:offset]
    if convention == "utf16":
        count = len(head.encode("utf-16-le")) // 2
        return count + (head.count("\n") if crlf else 0)
    if convention == "crlf1" or not crlf:
        return len(head)
    return len(head) + head.count("\n")
