"""Word segmentation for letters that were spaced out one by one.

"i g n o r e a l l" joins to "ignoreall"; the words the rules look for are recovered by a
greedy longest match against the vocabulary of the rules (plus common short words).
Letters that match no word are kept as they are.
"""

from __future__ import annotations

_WORDS = [
    "a",
    "all",
    "and",
    "any",
    "are",
    "as",
    "be",
    "before",
    "above",
    "bypass",
    "developer",
    "do",
    "dan",
    "disregard",
    "everything",
    "for",
    "forget",
    "from",
    "give",
    "ignore",
    "instructions",
    "instruction",
    "is",
    "it",
    "me",
    "mode",
    "my",
    "new",
    "no",
    "now",
    "of",
    "override",
    "previous",
    "prior",
    "print",
    "prompt",
    "repeat",
    "reveal",
    "rules",
    "say",
    "secret",
    "show",
    "system",
    "tell",
    "the",
    "to",
    "you",
    "your",
    "restrictions",
    "filters",
    "jailbreak",
    "pretend",
    "act",
    "unrestricted",
    "unfiltered",
    "uncensored",
    "anything",
    "guidelines",
    "password",
    "admin",
    "key",
    "kill",
    "hate",
    "die",
    "idiot",
    "stupid",
    "bitch",
    "fuck",
    "shit",
    "oublie",
    "oubliez",
    "ignore",
    "ignorez",
    "toutes",
    "tous",
    "tes",
    "vos",
    "les",
    "instructions",
    "consignes",
    "regles",
    "precedentes",
    "revele",
    "montre",
    "affiche",
    "ton",
    "votre",
    "prompt",
    "systeme",
    "sans",
    "restriction",
    "mode",
    "developpeur",
    "tu",
    "es",
    "maintenant",
    "vergiss",
    "ignoriere",
    "alle",
    "anweisungen",
    "vorherigen",
    "olvida",
    "ignora",
    "todas",
    "instrucciones",
    "anteriores",
    "dimentica",
    "tutte",
    "istruzioni",
    "precedenti",
    "connard",
    "salope",
    "con",
]

VOCABULARY: frozenset[str] = frozenset(_WORDS)
_LONGEST = max(len(word) for word in VOCABULARY)


def segment(letters: str) -> str:
    words: list[str] = []
    unknown = ""
    index = 0
    while index < len(letters):
        for size in range(min(_LONGEST, len(letters) - index), 0, -1):
            piece = letters[index : index + size]
            if size > 1 and piece in VOCABULARY:
                if unknown:
                    words.append(unknown)
                    unknown = ""
                words.append(piece)
                index += size
                break
        else:
            unknown += letters[index]
            index += 1
    if unknown:
        words.append(unknown)
    return " ".join(words)
