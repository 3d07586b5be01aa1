"""Which end of a streamed text could still become (part of) a personal-data finding.

The streaming guard releases everything before `holdback_start(text)` and holds the rest
until more text arrives. The rules follow the detectors (`aimonitor.analysis.pii`):

- the last word while unfinished (e-mails, keys, tokens arrive piece by piece);
- a number still being written, with its separators and a trailing "," or ".";
- an IBAN written in groups;
- number words still being written ("zéro six douze trente-"), for phone numbers spelled
  out, with the "+33" or "plus" before them;
- an e-mail address written to dodge scrapers while it could still be one ("jean dot
  dupont at example dot", "marie [at]"): a word, the markers and labels after it, and a
  marker being written;
- an identifier (a number, an e-mail, an IBAN, an IP address, a spelled phone number or
  address) until 16 more characters arrived: the detectors read that far after a match
  for context words;
- a private key block until its `-----END <label>-----` line.
"""

from __future__ import annotations

import re

from aimonitor.analysis.pii import spoken_numbers

AFTER_CONTEXT_CHARS = 16  # PiiEngine reads this far after a match for context words
LOOK_CHARS = 512  # the rules look this far back from the end
PEM_BEGIN = "-----BEGIN"
_PEM_HEADER = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,64})-----")

# A number still being written: digits with the separators numbers are written with, a
# NIR's "2A"/"2B", an optional trailing "," or "." that more digits could follow.
_NUMBER_TAIL = re.compile(r"[+(\d](?:[\d \-./()\u00a0]|(?<=2)[ABab])*+,?$")
_NUMBER_TAIL_LAST = frozenset("0123456789 -./()\u00a0,+ABab")  # how such a tail can end
# An IBAN written in groups, up to its end: "FR76 3000 6000 01".
_IBAN_TAIL = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9])* ?$")


def _prefixes(words: tuple[str, ...]) -> str:
    found = {word[:size] for word in words for size in range(1, len(word) + 1)}
    return "|".join(re.escape(p) for p in sorted(found, key=len, reverse=True))


# Spelled phone numbers: the detector's own vocabulary, so that both stay in step.
_NUMBER_WORD = "|".join(sorted(map(re.escape, spoken_numbers._WORDS), key=len, reverse=True))
_NUMBER_SEPARATOR = r"(?:[\s,.\-]{1,3}(?:(?:et|and)[\s\-]{1,3})?)"
_NUMBER_WORDS_TAIL = re.compile(
    rf"(?<![\w+])(?=[\w+])(?:(?:\+\d{{1,3}}|plus|\d{{1,4}})[\s,.\-]{{1,3}})?"
    rf"(?:(?:{_NUMBER_WORD})(?:{_NUMBER_SEPARATOR}(?:{_NUMBER_WORD}))*)?"
    rf"(?:[\s,.\-]{{0,3}}(?:{_prefixes((*spoken_numbers._WORDS, 'et', 'and'))})?)$",
    re.IGNORECASE,
)

# Obfuscated e-mail addresses (see analysis/pii/email_obfuscated.py for the forms).
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_MARKER_WORDS = ("at", "dot", "point", "arobase", "arrobase")
_AT = rf"(?: ?{_OPEN} ?(?:at|@|arobase|arrobase) ?{_CLOSE} ?| (?:arobase|arrobase) | at |@)"
_DOT = rf"(?: ?{_OPEN} ?(?:dot|point|\.) ?{_CLOSE} ?| (?:dot|point) |\.)"
_LOCAL_WORD = r"[\w%+\-]{1,64}+"  # possessive: a word is never split, no backtracking
# The detector reads the local part's spelled dots backwards with a `$` that also matches
# before a line end: "tel.\njean at ..." starts at "tel".
_LOCAL_DOT = rf"{_DOT}\n?"
_LABEL = r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}+"
# A marker still being written: " ", " a", " [do", " (at", " arob"...
_PARTIAL_MARKER = (
    rf"(?: ?{_OPEN} ?(?:{_prefixes((*_MARKER_WORDS, '@', '.'))})? ?"
    rf"| (?:{_prefixes(_MARKER_WORDS)})?)?"
)
_OBFUSCATED_TAIL = re.compile(
    rf"(?<![\w%+\-])(?:{_LOCAL_WORD}{_LOCAL_DOT}){{0,6}}{_LOCAL_WORD}"
    rf"(?:{_AT}(?:{_LABEL}(?:{_DOT}{_LABEL}){{0,6}})?)?(?:{_DOT}|{_AT})?{_PARTIAL_MARKER}$",
    re.IGNORECASE,
)
_OBFUSCATED = (
    rf"(?:{_LOCAL_WORD}{_LOCAL_DOT}){{0,6}}{_LOCAL_WORD}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{1,6}}"
)

# Identifiers whose score context words after them can still change, each with the
# character it needs (None: always tried).
_NUMBER_ID = re.compile(r"[+(\d][\d \-./()\u00a0]{5,}")
_IDENTIFIERS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (_NUMBER_ID, None),
    (re.compile(r"[\w.%+\-]*@[\w.\-]*"), "@"),
    (re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,}"), None),
    (re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f:.]{2,}"), ":"),
)
_OBFUSCATED_IDENTIFIER = re.compile(_OBFUSCATED, re.IGNORECASE)
# Cheap gates, so that ordinary prose skips the costlier patterns: a spelled or bracketed
# marker anywhere (an obfuscated address has one in its domain), one near the end (an
# address being written), a word that could start a spelled phone number.
_ANY_MARKER = re.compile(r"(?i)dot|point|arr?obase|[\[\(\{<] ?(?:at|@)")
_MARKER_NEAR_END = re.compile(r"(?i) at\b|arr?ob|dot|point|[\[\(\{<] ?(?:[adp@.]|$)|@|\.\n")
_MARKER_NEAR_CHARS = 100
_SPELLED_ADDRESS_CHARS = 600  # the detector reads at most this far around an "at"
_WORD_AND_PARTIAL_MARKER = re.compile(rf"(?<![\w%+\-.])[\w%+\-.]{{1,64}}+{_PARTIAL_MARKER}$")
_NUMBERISH = frozenset(
    prefix
    for word in (*spoken_numbers._WORDS, "et", "and", "plus")
    for prefix in (word[:size] for size in range(1, len(word) + 1))
)
_SPELLED_NUMBER_CHARS = 400  # 25 number words at most


def holdback_start(text: str, floor: int = 0) -> int:
    """Where the tail that could still become (part of) a finding starts in `text`
    (`len(text)` when nothing needs holding); never below `floor`."""
    end = len(text)
    look = max(floor, end - LOOK_CHARS)
    hold = end
    if end > look and not text[end - 1].isspace():
        hold = _last_word_start(text, look)
    recent = text[look:end]
    if recent and recent[-1] in _NUMBER_TAIL_LAST:
        match = _NUMBER_TAIL.search(recent)
        if match is not None:
            hold = min(hold, look + match.start())
    if recent and (recent[-1] == " " or recent[-1].isupper() or recent[-1].isdigit()):
        match = _IBAN_TAIL.search(recent)
        if match is not None:
            hold = min(hold, look + match.start())
    hold = min(hold, _spelled_number_start(text, look, end))
    hold = min(hold, _obfuscated_address_start(text, look, end))
    hold = min(hold, _identifier_start(recent, look, end))
    begin = text.rfind(PEM_BEGIN, floor)
    if begin >= 0 and not _pem_closed(text, begin):
        hold = min(hold, begin)
    if floor < hold < end and not text[hold - 1].isspace() and not text[hold].isspace():
        # Never split a word: "2001:db8::7334 zero six..." may be read as an IP address
        # or, while the number words go on, as a phone number starting at "7334".
        hold = _last_word_start(text[:hold], floor)
    return max(hold, floor)


def _spelled_number_start(text: str, look: int, end: int) -> int:
    """The start of number words still being written at the end ("zéro six douze")."""
    stripped = text[look:end].rstrip(" \t\n,.-")
    index = len(stripped)
    while index > 0 and (stripped[index - 1].isalnum() or stripped[index - 1] == "+"):
        index -= 1
    last = stripped[index:].lower()
    if not last or not (last in _NUMBERISH or last.lstrip("+").isdigit()):
        return end
    start = max(look, end - _SPELLED_NUMBER_CHARS)
    match = _NUMBER_WORDS_TAIL.search(text, start)
    return match.start() if match is not None else end


def _obfuscated_address_start(text: str, look: int, end: int) -> int:
    """The start of an address written to dodge scrapers that is still being written,
    or of the last word when what follows it could still be an "at" or "dot" marker."""
    if _MARKER_NEAR_END.search(text, max(look, end - _MARKER_NEAR_CHARS)) is not None:
        match = _OBFUSCATED_TAIL.search(text, max(look, end - _SPELLED_ADDRESS_CHARS))
    else:
        match = _WORD_AND_PARTIAL_MARKER.search(text, max(look, end - 80))
    return match.start() if match is not None else end


def _identifier_start(recent: str, look: int, end: int) -> int:
    """The start of the first identifier whose 16 characters of after-context have not
    all arrived (`end` when none)."""
    patterns = [pattern for pattern, needs in _IDENTIFIERS if needs is None or needs in recent]
    if _ANY_MARKER.search(recent) is not None:
        patterns.append(_OBFUSCATED_IDENTIFIER)
    starts = [end]
    for pattern in patterns:
        for match in pattern.finditer(recent):
            if look + match.end() + AFTER_CONTEXT_CHARS > end:
                starts.append(look + match.start())
                break  # the first one that counts starts earliest
    for number in spoken_numbers.spoken_numbers(recent):
        if look + number.end + AFTER_CONTEXT_CHARS > end:
            starts.append(look + number.start)
            break
    return min(starts)


def _pem_closed(text: str, begin: int) -> bool:
    """Whether the block starting at `begin` has its whole `-----END <label>-----` line."""
    header = _PEM_HEADER.match(text, begin)
    return header is not None and text.find(f"-----END {header.group(1)}-----", begin) >= 0


def _last_word_start(text: str, look: int) -> int:
    for index in range(len(text) - 1, look - 1, -1):
        if text[index].isspace():
            return index + 1
    return look
