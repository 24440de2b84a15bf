"""The search box's query language, parsed into a small tree both engines compile.

    waiting "crisis team" NOT police theme:thresholds site:Salford kind:lived_experience
    hous*  recieve~  (gp OR doctor) -police  date:2021-01..2021-06  role:"peer worker"

Words next to each other must all match (AND); OR and NOT are written in
capitals; AND binds tighter than OR. A query that cannot be parsed raises
QuerySyntaxError with a message that says what is wrong and where.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIELDS = {
    "theme": "theme", "code": "theme",
    "site": "site", "place": "site",
    "kind": "kind",
    "role": "role", "storyteller_role": "role",
    "method": "method", "collection_method": "method",
    "date": "date", "collected": "date", "collected_on": "date",
}
FIELD_NAMES = ("theme", "site", "kind", "role", "method", "date")
MAX_FUZZY = 2
MAX_QUERY = 1000
MAX_DEPTH = 32  # brackets and NOTs inside each other; deeper is abuse, not a question
_UNREADABLE_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class QuerySyntaxError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


@dataclass(frozen=True)
class Word:
    text: str
    pos: int


@dataclass(frozen=True)
class Phrase:
    text: str
    pos: int


@dataclass(frozen=True)
class Wildcard:
    pattern: str
    pos: int


@dataclass(frozen=True)
class Fuzzy:
    text: str
    maxdist: int
    pos: int


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    pos: int


@dataclass(frozen=True)
class DateRange:
    start: date | None
    end: date | None
    pos: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Word | Phrase | Wildcard | Fuzzy | Field | DateRange | And | Or | Not | MatchAll


@dataclass
class _Tok:
    kind: str  # word | phrase | field | ( | ) | AND | OR | NOT | -
    value: str
    pos: int
    field: str = ""


_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_SPECIAL = set('()"')


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            toks.append(_Tok(c, c, i))
            i += 1
            continue
        if c == '"':
            value, i2 = _quoted(text, i)
            toks.append(_Tok("phrase", value, i))
            i = i2
            continue
        if c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            toks.append(_Tok("-", c, i))
            i += 1
            continue
        m = _FIELD_RE.match(text, i)
        if m:
            name = m.group(1).lower()
            if name not in FIELDS:
                raise QuerySyntaxError(
                    f"there is no field called '{m.group(1)}'; fields are {', '.join(FIELD_NAMES)}"
                    " (put the words in quotes to search for them as text)", i)
            j = m.end()
            if j < n and text[j] == '"':
                value, j = _quoted(text, j)
            else:
                k = j
                while k < n and not text[k].isspace() and text[k] not in _SPECIAL:
                    k += 1
                value, j = text[j:k], k
            if not value.strip():
                raise QuerySyntaxError(f"'{m.group(1)}:' needs a value, for example {name}:{_EXAMPLES[FIELDS[name]]}", i)
            toks.append(_Tok("field", value.strip(), i, field=FIELDS[name]))
            i = j
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _SPECIAL:
            j += 1
        word = text[i:j]
        if word in ("AND", "OR", "NOT"):
            toks.append(_Tok(word, word, i))
        else:
            toks.append(_Tok("word", word, i))
        i = j
    return toks


_EXAMPLES = {
    "theme": "thresholds", "site": "Salford", "kind": "lived_experience",
    "role": '"peer worker"', "method": "interview", "date": "2021-01..2021-06",
}


def _quoted(text: str, i: int) -> tuple[str, int]:
    end = text.find('"', i + 1)
    if end < 0:
        raise QuerySyntaxError("this quote is never closed: add a closing \"", i)
    return text[i + 1:end], end + 1


class _Parser:
    def __init__(self, toks: list[_Tok], text: str) -> None:
        self.toks = toks
        self.i = 0
        self.text = text
        self.depth = 0

    def deeper(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"brackets and NOTs are nested more than {MAX_DEPTH} deep here", tok.pos)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            return MatchAll()
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            if tok.kind == ")":
                raise QuerySyntaxError("this ')' has no matching '('", tok.pos)
            raise QuerySyntaxError(f"did not expect '{tok.value}' here", tok.pos)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QuerySyntaxError("OR needs a search term after it", tok.pos)
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            if tok.kind == "AND":
                self.take()
                nxt = self.peek()
                if nxt is None or nxt.kind in (")", "OR", "AND"):
                    raise QuerySyntaxError("AND needs a search term after it", tok.pos)
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("the query ends where a search term was expected", len(self.text))
        if tok.kind in ("NOT", "-"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QuerySyntaxError(f"{tok.value} needs a search term after it", tok.pos)
            self.deeper(tok)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "(":
            if (nxt := self.peek()) is not None and nxt.kind == ")":
                raise QuerySyntaxError("these brackets are empty", tok.pos)
            self.deeper(tok)
            node = self.or_expr()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != ")":
                raise QuerySyntaxError("this '(' is never closed: add a ')'", tok.pos)
            self.take()
            return node
        if tok.kind == ")":
            raise QuerySyntaxError("this ')' has no matching '('", tok.pos)
        if tok.kind in ("AND", "OR"):
            raise QuerySyntaxError(f"{tok.value} needs a search term before it", tok.pos)
        if tok.kind == "phrase":
            if not tok.value.strip():
                raise QuerySyntaxError("these quotes are empty", tok.pos)
            return Phrase(tok.value, tok.pos)
        if tok.kind == "field":
            return _field(tok)
        return _word(tok)


_FUZZY_RE = re.compile(r"^(.+?)~(\d*)$")


def _word(tok: _Tok) -> Node:
    value = tok.value
    m = _FUZZY_RE.match(value)
    if m:
        word, dist = m.group(1), m.group(2)
        maxdist = int(dist) if dist else 1
        if not 1 <= maxdist <= MAX_FUZZY:
            raise QuerySyntaxError(f"a fuzzy term allows 1 or 2 differences, not {dist} ('{word}~2' at most)", tok.pos)
        if "*" in word or "?" in word:
            raise QuerySyntaxError("a word cannot be both fuzzy (~) and a wildcard (*)", tok.pos)
        return Fuzzy(word.lower(), maxdist, tok.pos)
    if "~" in value:
        raise QuerySyntaxError("'~' goes at the end of a word, for example recieve~", tok.pos + value.index("~"))
    if "*" in value or "?" in value:
        if value[0] in "*?":
            raise QuerySyntaxError("a wildcard cannot start a word: type at least one letter first, as in hous*",
                                   tok.pos)
        return Wildcard(value.lower(), tok.pos)
    return Word(value, tok.pos)


_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _field(tok: _Tok) -> Node:
    if tok.field != "date":
        return Field(tok.field, tok.value, tok.pos)
    value = tok.value
    if ".." in value:
        start_s, end_s = value.split("..", 1)
    else:
        start_s = end_s = value
    start = _date(start_s, tok.pos, first=True) if start_s else None
    end = _date(end_s, tok.pos, first=False) if end_s else None
    if start is None and end is None:
        raise QuerySyntaxError("date: needs at least one end, for example date:2021.. or date:..2020-06", tok.pos)
    if start and end and start > end:
        raise QuerySyntaxError(f"the date range {value} ends before it starts", tok.pos)
    return DateRange(start, end, tok.pos)


def _date(text: str, pos: int, first: bool) -> date:
    if not _DATE_RE.match(text):
        raise QuerySyntaxError(
            f"'{text}' is not a date: write 2021, 2021-03 or 2021-03-15 (a range is 2021-01..2021-06)", pos)
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (1 if first else 12)
    try:
        if len(parts) == 3:
            return date(year, month, parts[2])
        if first:
            return date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    except ValueError:
        raise QuerySyntaxError(f"'{text}' is not a date on the calendar", pos) from None


def parse(text: str) -> Node:
    if len(text) > MAX_QUERY:
        raise QuerySyntaxError(f"the query is longer than {MAX_QUERY} characters", MAX_QUERY)
    if bad := _UNREADABLE_CHAR.search(text):
        name = " NUL" if bad.group() == "\x00" else ""
        raise QuerySyntaxError(f"the query holds a character that is not text (U+{ord(bad.group()):04X}{name}): "
                               "remove it", bad.start())
    return _Parser(_lex(text), text).parse()


def leaves(node: Node) -> list[Node]:
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in leaves(item)]
    if isinstance(node, Not):
        return leaves(node.item)
    return [node]


def positive_leaves(node: Node, negated: bool = False) -> list[Node]:
    """Leaves that a result must contain (for highlighting and ranking)."""
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in positive_leaves(item, negated)]
    if isinstance(node, Not):
        return positive_leaves(node.item, not negated)
    return [] if negated else [node]
