"""Cheap text helpers for the simulated model: language guess and topic keywords.

Deliberately crude (stopword counts, word frequencies): the simulator only needs to
answer in the prompt's language and restate its topic, not to understand it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

Language = Literal["en", "fr"]

# Apostrophes split words, so French elisions ("l'intelligence") yield the noun.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

_FRENCH_STOPWORDS_TEXT = """
le la les un une des du de d l au aux et ou est sont être avoir a ai as ont en dans sur
pour par avec sans ce cet cette ces que qui quoi quel quelle quels quelles dont où ne pas
plus moins je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses notre votre
leur leurs me te se moi toi lui y c qu j s n m t comment pourquoi quand est-ce peux peut
explique expliquer donne donner fais faire très bien aussi mais donc car comme tout tous
toute toutes entre chez vers été suis es sommes êtes sera serait ça cela ceci voici
svp merci bonjour bonne bonnes meilleur meilleure meilleures quelques faut
ensuite alors encore préciser précise
"""
_ENGLISH_STOPWORDS_TEXT = """
the a an and or is are was were be been being have has had do does did of to in on at
for with without by from as it its this that these those what which who whom whose
where when why how i you he she we they me my your his her our their them us can could
should would will shall may might must not no yes please explain tell give show make
about into over under than then there here so very also but if just some any all each
more most other such only own same too hello thanks thank describe list write
best good way ways need want know help like using used detail details
"""
FRENCH_STOPWORDS = frozenset(_FRENCH_STOPWORDS_TEXT.split())
ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORDS_TEXT.split())
_ALL_STOPWORDS = FRENCH_STOPWORDS | ENGLISH_STOPWORDS

# Letters that practically only French uses among the two languages.
_FRENCH_LETTERS = frozenset("éèêëàâçîïôûùœ")


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def detect_language(text: str) -> Language:
    """'fr' when French stopwords (and accents) outweigh English ones, else 'en'."""
    tokens = words(text)
    french = sum(1 for token in tokens if token in FRENCH_STOPWORDS)
    english = sum(1 for token in tokens if token in ENGLISH_STOPWORDS)
    french += sum(1 for char in text.lower() if char in _FRENCH_LETTERS) // 2
    return "fr" if french > english else "en"


def _content_word(token: str) -> str | None:
    """The form a keyword takes, or None for stopwords and short words. Acronyms
    ("IA", "SLO") keep their case; other words are lowercased."""
    if len(token) >= 2 and token.isupper():
        return token
    lowered = token.lower()
    if len(lowered) >= 4 and lowered not in _ALL_STOPWORDS:
        return lowered
    return None


def keywords(text: str, limit: int = 3) -> list[str]:
    """The prompt's most frequent content words (ties: first seen first)."""
    candidates = (_content_word(match.group(0)) for match in _WORD.finditer(text))
    tokens = [token for token in candidates if token is not None]
    counts = Counter(tokens)
    first_seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        first_seen.setdefault(token, index)
    ranked = sorted(counts, key=lambda token: (-counts[token], first_seen[token]))
    return ranked[:limit]
