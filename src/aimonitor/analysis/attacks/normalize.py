"""Canonicalisation of a prompt before attack and toxicity rules run.

The rules are written once, for lower-case unaccented text with single spaces. Attackers
dodge such rules with look-alike characters, invisible characters, leetspeak, s p a c e d
letters or encoded payloads; each step below undoes one trick, and the steps that changed
something are reported (`Canonical.transforms`) so a finding explains itself.

Every step is a single pass (`str.translate` or a linear regex); decoding is bounded in
depth and in total size so a crafted input cannot make it expensive.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from aimonitor.analysis.attacks.vocabulary import segment
from aimonitor.analysis.latin1 import byte_table, is_latin1, latin1_bytes
from aimonitor.analysis.pattern_set import PatternSet

# Zero-width, joiners, word joiners, BOM, soft hyphen, bidi controls, and the
# variation selectors: invisible characters used to split trigger words.
_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF),
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        *range(0xFE00, 0xFE10),
    ]
)
# Unicode "tag" characters mirror ASCII (U+E0041 is an invisible "A"): decode, don't drop.
_TAGS = {
    code: (code - 0xE0000 if 0x20 <= code - 0xE0000 <= 0x7E else None)
    for code in range(0xE0000, 0xE0080)
}

# Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the subset
# that matters for Latin-script trigger words), plus typographic quotes.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ɡ": "g",
        "һ": "h",
        "ӏ": "l",
        "ԛ": "q",
        "ԝ": "w",
        "ν": "v",
        "А": "a",
        "В": "b",
        "Е": "e",
        "К": "k",
        "М": "m",
        "Н": "h",
        "О": "o",
        "Р": "p",
        "С": "c",
        "Т": "t",
        "У": "y",
        "Х": "x",
        "Ѕ": "s",
        "І": "i",
        "Ј": "j",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "Α": "a",
        "Β": "b",
        "Ε": "e",
        "Ζ": "z",
        "Η": "h",
        "Ι": "i",
        "Κ": "k",
        "Μ": "m",
        "Ν": "n",
        "Ο": "o",
        "Ρ": "p",
        "Τ": "t",
        "Υ": "y",
        "Χ": "x",
        "ı": "i",
        "ȷ": "j",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "8": "b",
        "9": "g",
    }
)
# A word that mixes letters with leet characters ("1gn0r3", "h@ck"); pure numbers stay.
_LEET_TOKEN = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0134579@$8])[\w@$]+")
# Cheap gate for the above: the pattern starts with a rare character class, so the regex
# engine skips straight to digits, "@" and "$" instead of trying every position.
_LEET_GATE = re.compile(r"[0134579@$8](?:(?<=[a-z][0134579@$8])|[a-z])")
# At least four single letters separated by one separator: "i g n o r e", "i.g.n.o.r.e".
_SPACED = re.compile(r"(?<![^\W\d_])[a-z](?:(?: {1,3}|[._*\-] ?|\u00a0)[a-z](?![^\W\d_])){3,}+")
# Written out per separator (not with a backreference) so that `re` can skip in C to the
# separator characters.
_DOTTED = re.compile(r"\.[a-z]\.[a-z]\.|_[a-z]_[a-z]_|\*[a-z]\*[a-z]\*|-[a-z]-[a-z]-")
_SPACED_GATE = re.compile(r" [a-z] {1,3}[a-z] {1,3}[a-z] ")
# Both gates in one pass: every branch starts with a space or a separator.
_SPACED_OR_DOTTED = re.compile(f"{_SPACED_GATE.pattern}|{_DOTTED.pattern}")
# The same question branch by branch: a pattern that starts with one literal character
# lets `re` jump to that character in C, an alternation tests a set at every position;
# five such searches cost about 60 % of the one above.
_SPACED_GATE_PARTS = (_SPACED_GATE, *(re.compile(part) for part in _DOTTED.pattern.split("|")))
# The leetspeak gate and the spaced-letters gates in one RE2 pass (`pattern_set.py`) on
# ASCII text; the leetspeak gate written without its look-behind ("a leet character next
# to a letter, on either side" is the same question).
_GATES = PatternSet(
    [
        ("leet", re.compile(r"[a-z][0134579@$8]|[0134579@$8][a-z]")),
        *((f"spaced.{index}", part) for index, part in enumerate(_SPACED_GATE_PARTS)),
    ]
)
_WORD_GAP = re.compile(r" {2,}| ?[/|] ?")
_SEPARATORS = re.compile(r"[ ._*\-\u00a0]")
_HSPACE = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_ODD_SPACE = re.compile(r"[^\S ]")  # any whitespace but a plain space
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Any invisible character or look-alike letter: gates the two translations above.
_SUSPECT = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\ufeff\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0131\u0237\u0261"
    "\u2018\u2019\u02bc\u201c\u201d\u00ab\u00bb\u2013\u2014]"
)
_TAG_CHARS = re.compile("[\U000e0000-\U000e007f]")

_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_\-])[A-Za-z0-9+/_\-]{16,}+={0,2}")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:(?:\\x|0x)?[0-9A-Fa-f]{2}[ :,]?){8,}+")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_STRING_LITERAL = re.compile(r"\"([^\"\n]{1,200})\"|'([^'\n]{1,200})'")
_ASSIGNMENT = re.compile(r"\b\w{1,16} ?= ?[\"']")
_CONCAT = re.compile(r"\b\w{1,16} ?\+ ?\w{1,16}\b|\bconcat|\bjoin|\bcombine|\bconcat[eè]n")
_WORDS = re.compile(r"[a-z]+")
# Every byte but a-z becomes a space: on ASCII text, `bytes.translate` then `split` yields
# the same words as `_WORDS.findall`, in a quarter of the time.
_NON_LETTERS = bytes(byte if ord("a") <= byte <= ord("z") else ord(" ") for byte in range(256))

MAX_DEPTH = 3
MAX_DECODED_CHARS = 20_000
MAX_CANDIDATES = 16
_LONG_TOKEN = 16


@dataclass(frozen=True, slots=True)
class View:
    """One reading of the text the rules run on, and how it was obtained."""

    source: str  # "canonical", "raw", "base64", "hex", "url", "tags", "payload_join"
    text: str


class Canonical:
    """The canonical reading of a text (`text`, also used by toxicity), every view the
    rules run on, and the transforms that produced them."""

    __slots__ = ("_words", "text", "transforms", "views")

    def __init__(self, text: str, views: tuple[View, ...], transforms: tuple[str, ...]) -> None:
        self.text = text
        self.views = views
        self.transforms = transforms
        self._words: frozenset[str] | None = None

    @property
    def words_ready(self) -> bool:
        """Whether `words` is already built (then asking it costs a set lookup)."""
        return self._words is not None

    @property
    def words(self) -> frozenset[str]:
        """The words of `text`, shared by the attack and toxicity rules; computed on first
        use, since the one-pass rule matching needs them only when a rule matched."""
        if self._words is None:
            self._words = words_of(self.text)
        return self._words


def fold_text(text: str, transforms: list[str]) -> str:
    """The canonical reading of one text: the character-level steps, in order."""
    return _fold(text, transforms)[0]


def _fold(text: str, transforms: list[str]) -> tuple[str, str]:
    """(canonical reading, plain reading). The plain reading is only lower-cased, without
    accents and with single spaces: the "raw" view, so that folding never hides a match."""
    folded = text
    plain: str | None = None
    if folded.isascii():
        folded = folded.lower()
    else:
        if _has_suspect(folded):
            plain = _collapse(_strip_accents(folded.lower()))
            stripped = folded.translate(_INVISIBLE)
            if stripped != folded:
                transforms.append("zero_width")
            folded = stripped
        nfkc = unicodedata.normalize("NFKC", folded)
        if nfkc != folded:
            transforms.append("nfkc")
            if plain is None:
                plain = _collapse(_strip_accents(folded.lower()))
        folded = nfkc
        if plain is not None:
            confusable = folded.translate(_HOMOGLYPHS)
            if confusable != folded and _changed_letters(folded, confusable):
                transforms.append("homoglyph")
            folded = confusable
        folded = _strip_accents(folded.lower())
    gates = _GATES.names_matching(folded)
    if _LEET_GATE.search(folded) if gates is None else "leet" in gates:
        unleet = _unleet_text(folded)
        if unleet != folded:
            transforms.append("leetspeak")
            if plain is None:
                plain = _collapse(folded)
            folded = unleet
            gates = None  # the spaced-letters gate must look at the new text
    if _has_spaced_letters(folded) if gates is None else len(gates - {"leet"}) > 0:
        joined = _SPACED.sub(_join_spaced, folded)
        if joined != folded:
            transforms.append("spaced_letters")
            if plain is None:
                plain = _collapse(folded)
            folded = joined
    folded = _collapse(folded)
    return folded, folded if plain is None else plain


def _has_suspect(text: str) -> bool:
    """`_SUSPECT.search`, answered without the regex for Latin-1 text (most European
    prose), where only three of its characters can occur."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return _SUSPECT.search(text) is not None
    return "\u00ad" in text or "\u00ab" in text or "\u00bb" in text


# What `_ODD_SPACE` matches among ASCII characters.
_ASCII_ODD_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


# Every byte but those nine: deleting them leaves the odd spaces of an ASCII text.
_ALL_BUT_ODD_SPACES = bytes(byte for byte in range(256) if chr(byte) not in _ASCII_ODD_SPACES)


def _has_odd_space(text: str) -> bool:
    """`_ODD_SPACE.search`, cheaper: in ASCII text the odd spaces are nine characters, which
    one `bytes.translate` keeps alone; in other text, whitespace other than " " is never
    printable, so a printable text has none."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ALL_BUT_ODD_SPACES)) > 0
    if text.isprintable():
        return False
    return _ODD_SPACE.search(text) is not None


def _collapse(text: str) -> str:
    if "  " in text or _has_odd_space(text):
        text = _NEWLINES.sub("\n", _HSPACE.sub(" ", text))
    return text.strip()


def _has_spaced_letters(text: str) -> bool:
    """Cheap gates for `_SPACED`: three single letters between spaces, or letters split by
    dots, dashes, stars or underscores. Both start with a space or a separator, so the
    regex engine jumps between those characters instead of trying every position."""
    return any(part.search(text) is not None for part in _SPACED_GATE_PARTS)


def canonicalize(text: str) -> Canonical:
    transforms: list[str] = []
    canonical, plain = _fold(text, transforms)
    views = [View("canonical", canonical)]
    if plain != canonical:
        views.append(View("raw", plain))
    budget = [MAX_DECODED_CHARS]
    seen: set[str] = {text}
    _decoded_views(text, 1, views, transforms, budget, seen)
    return Canonical(canonical, tuple(views), tuple(dict.fromkeys(transforms)))


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same rule with ASCII character classes, for views that are pure ASCII: `re`
    tests `\\w`, `\\b` and `\\s` with a table lookup instead of a Unicode database call,
    about twice as fast. On ASCII text both compile to the same matches, except that
    Unicode `\\s` also matches U+001C-U+001F; views never hold those, `_collapse` turns
    every whitespace character but the newline into a plain space."""
    return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)


def has_word(text: str, word: str) -> bool:
    """`word in words_of(text)` for a word of a-z letters, without building the set: an
    occurrence with no a-z letter right before or after it. Cheaper when a few words are
    asked about, as when one rule of a hundred matched."""
    size = len(word)
    position = text.find(word)
    while position >= 0:
        end = position + size
        if (position == 0 or not "a" <= text[position - 1] <= "z") and (
            end == len(text) or not "a" <= text[end] <= "z"
        ):
            return True
        position = text.find(word, position + 1)
    return False


def words_of(text: str) -> frozenset[str]:
    """The distinct runs of a-z in a text: what the attack and toxicity rules index on."""
    if text.isascii():
        return frozenset(text.encode("ascii").translate(_NON_LETTERS).decode("ascii").split())
    return frozenset(_WORDS.findall(text))


def _decoded_views(
    text: str,
    depth: int,
    views: list[View],
    transforms: list[str],
    budget: list[int],
    seen: set[str],
) -> None:
    if depth > MAX_DEPTH or budget[0] <= 0:
        return
    for source, decoded in _decodings(text):
        if budget[0] <= 0:
            return
        if decoded in seen:
            continue
        seen.add(decoded)
        budget[0] -= len(decoded)
        transforms.append(source)
        views.append(View(source, fold_text(decoded, transforms)))
        _decoded_views(decoded, depth + 1, views, transforms, budget, seen)


def _decodings(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not is_latin1(text) and _TAG_CHARS.search(text):
        hidden = "".join(chr(_TAGS[ord(ch)] or 32) for ch in _TAG_CHARS.findall(text))
        found.append(("tags", hidden))
    # Encoded payloads are long runs without spaces: look only inside such tokens (an
    # e-mail address or a URL is one too, and is cheap to rule out), except for "\x41"
    # or "0x41" escapes, which may be spaced out.
    long_tokens = _long_tokens(text)
    for token in long_tokens:
        for match in _BASE64.finditer(token):
            decoded = _b64(match.group())
            if decoded is not None and len(found) < MAX_CANDIDATES:
                found.append(("base64", decoded))
    hex_sources = ([text] if "\\x" in text or "0x" in text else []) + long_tokens
    for source in hex_sources:
        for match in _HEX.finditer(source):
            cleaned = re.sub(r"\\x|0x|[ :,]", "", match.group())
            decoded = _text_of(bytes.fromhex(cleaned[: len(cleaned) // 2 * 2]))
            if decoded is not None and len(found) < MAX_CANDIDATES:
                found.append(("hex", decoded))
    if "%" in text and len(_URL_ESCAPE.findall(text)) >= 3:
        decoded_url = unquote(text)
        if decoded_url != text:
            found.append(("url", decoded_url))
    if (
        "=" in text
        and text.count('"') + text.count("'") >= 4
        and _ASSIGNMENT.search(text)
        and _CONCAT.search(text)
    ):
        parts = [a or b for a, b in _STRING_LITERAL.findall(text)]
        if len(parts) >= 2:
            found.append(("payload_join", "".join(parts)))
    return found


# Latin-1 characters as bytes: whitespace (as `str.split` sees it) becomes a space,
# anything else an "x"; a token of 16+ characters is then a run of 16 "x".
_TOKEN_BYTES = bytes(ord(" ") if chr(byte).isspace() else ord("x") for byte in range(256))
_LONG_RUN = b"x" * _LONG_TOKEN


def _long_tokens(text: str) -> list[str]:
    """`[token for token in text.split() if len(token) >= _LONG_TOKEN]`. For Latin-1 text
    the runs are found on the translated bytes with `bytes.find`, without splitting the
    whole text into a list of words."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return [token for token in text.split() if len(token) >= _LONG_TOKEN]
    marked = raw.translate(_TOKEN_BYTES)
    tokens: list[str] = []
    position = marked.find(_LONG_RUN)
    while position >= 0:
        start = marked.rfind(b" ", 0, position) + 1
        end = marked.find(b" ", position)
        end = len(marked) if end < 0 else end
        tokens.append(text[start:end])
        position = marked.find(_LONG_RUN, end)
    return tokens


def _b64(candidate: str) -> str | None:
    if candidate.isalpha() or candidate.isdigit():
        return None  # a long word or number, not an encoding
    padded = candidate + "=" * (-len(candidate) % 4)
    try:
        if "-" in candidate or "_" in candidate:
            raw = base64.urlsafe_b64decode(padded)
        else:
            raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _text_of(raw)


def _text_of(raw: bytes) -> str | None:
    """Decoded bytes count as a hidden message only if they read as text."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(decoded) < 4:
        return None
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in decoded)
    letters = sum(ch.isalpha() for ch in decoded)
    if printable < 0.95 * len(decoded) or letters < 0.5 * len(decoded):
        return None
    return decoded


def _strip_accents_slow(text: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


# For Latin-1 text (French, German, Spanish, Italian), accent stripping maps each
# character to one character; characters that decompose into several ("½") are listed
# apart, and send the text to the slow path.
_LATIN1_FOLD, _LATIN1_SEVERAL = byte_table(_strip_accents_slow)


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    raw = latin1_bytes(text)
    if raw is None or (_LATIN1_SEVERAL and len(raw.translate(None, _LATIN1_SEVERAL)) != len(raw)):
        return _strip_accents_slow(text)
    return raw.translate(_LATIN1_FOLD).decode("latin-1")


def _changed_letters(before: str, after: str) -> bool:
    return any(a != b and a.isalpha() for a, b in zip(before, after, strict=True))


_TOKEN_TAIL = re.compile(r"[\w@$]*")


def _unleet_text(text: str) -> str:
    """Folds leetspeak in the words that mix letters and leet characters. Visits only the
    positions the gate finds (digits, "@", "$" next to a letter), not every word."""
    pieces: list[str] = []
    done = 0
    for position in leet_positions(text):
        if position < done:
            continue  # inside a word already handled
        start = position
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_@$"):
            start -= 1
        tail = _TOKEN_TAIL.match(text, position)
        end = tail.end() if tail is not None else position + 1
        token_match = _LEET_TOKEN.fullmatch(text, start, end)
        pieces.append(text[done:start])
        pieces.append(_unleet(token_match) if token_match is not None else text[start:end])
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


# Latin-1 characters by class, for `leet_positions`: "a" for the letters the gate knows
# (a-z), "1" for the leet characters, " " for everything else.
_LEET_CLASSES = bytes(
    ord("a") if "a" <= chr(byte) <= "z" else ord("1") if chr(byte) in "0134579@$8" else ord(" ")
    for byte in range(256)
)


def leet_positions(text: str) -> list[int]:
    """Where `_LEET_GATE` matches: a leet character with a letter just before or after it.
    Latin-1 text is mapped to three classes in one C pass and the pairs are found with
    `bytes.find`, instead of the regex stopping at every digit of a text full of numbers."""
    raw = latin1_bytes(text)
    if raw is None:
        return [hit.start() for hit in _LEET_GATE.finditer(text)]
    classes = raw.translate(_LEET_CLASSES)
    found: set[int] = set()
    for pair, offset in ((b"a1", 1), (b"1a", 0)):
        index = classes.find(pair)
        while index >= 0:
            found.add(index + offset)
            index = classes.find(pair, index + 1)
    return sorted(found)


_CODE_LIKE = re.compile(r"[a-z]+\d{2,}")  # "fr76", "covid19": identifiers, not leetspeak


def _unleet(match: re.Match[str]) -> str:
    token = match.group()
    if "@" in token and match.string[match.end() : match.end() + 1] == ".":
        return token  # an e-mail address, not leetspeak
    if _CODE_LIKE.fullmatch(token):
        return token
    return token.translate(_LEET)


def _join_spaced(match: re.Match[str]) -> str:
    words = _WORD_GAP.split(match.group())
    joined = [_SEPARATORS.sub("", word) for word in words]
    if len(joined) == 1:
        return segment(joined[0])
    return " ".join(joined)
