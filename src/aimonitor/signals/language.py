"""A cheap language identifier: counts of frequent function words.

Each language has a list of very frequent words that are rare in the others
(articles, pronouns, prepositions, auxiliaries). The language with the most hits
wins if it has at least `_MIN_HITS` hits and beats the runner-up clearly;
otherwise the text is "other" (too short, mixed, code, or a language we do not
list). Good enough to see a share of French prompts appear in an English stream,
or an answer in the wrong language; not meant as a general identifier.
"""

from __future__ import annotations

from typing import Final

from aimonitor.signals.text import words

LANGUAGES: Final = ("en", "fr", "de", "es", "it", "other")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: Final[dict[str, frozenset[str]]] = {
    "en": _word_set(
        "the and is are was were of to in that this it with for on not be have has "
        "you what how can my i your we they there which would should could does do "
        "from by an at or but if about why when where please help"
    ),
    "fr": _word_set(
        "le la les des du un une est sont et ou pour dans sur avec pas ne je tu il "
        "elle nous vous ils que qui quoi comment pourquoi mon ma mes votre vos ce "
        "cette ces au aux être avoir fait peux puis très mais aussi plus où quand "
        "merci bonjour j'ai c'est d'un d'une l'on qu'il"
    ),
    "de": _word_set(
        "der die das und ist sind nicht ein eine einen mit für auf ich du wir sie "
        "es wie was warum wo kann können mein meine ihr haben hat wird werden auch "
        "aber oder noch nur bitte danke zu im dem den von"
    ),
    "es": _word_set(
        "el los las y es son una uno por para con sin pero como qué cómo porque "
        "dónde cuando yo tú él ella nosotros ustedes mi mis su sus está están muy "
        "también del al hola gracias puedo puede hay se lo"
    ),
    "it": _word_set(
        "il lo gli della delle degli una uno sono con per non che come perché dove "
        "quando io tu lui lei noi voi loro mio mia suo sua è nel nella anche ma "
        "molto ciao grazie posso può essere avere questo questa"
    ),
}
_MIN_HITS: Final = 2
# The winner needs this many times the runner-up's hits (Romance languages share words).
_MARGIN: Final = 1.5


# Each function word -> the positions (in STOPWORDS order) of the languages listing it:
# one pass over the tokens instead of one per language.
_LANGUAGES_OF: Final[dict[str, tuple[int, ...]]] = {
    word: tuple(i for i, stop in enumerate(STOPWORDS.values()) if word in stop)
    for word in frozenset().union(*STOPWORDS.values())
}


_LISTED: Final = tuple(STOPWORDS)


def language_scores(tokens: list[str]) -> dict[str, int]:
    """Function-word hits per listed language, over lower-cased word tokens."""
    hits = [0] * len(STOPWORDS)
    languages_of = _LANGUAGES_OF.get
    for token in tokens:
        positions = languages_of(token)
        if positions is not None:
            for i in positions:
                hits[i] += 1
    return dict(zip(STOPWORDS, hits, strict=True))


def detect_language(text: str) -> str:
    """One of `LANGUAGES`: "en", "fr", "de", "es", "it", or "other" when unsure."""
    return detect_language_of_words(words(text))


def detect_language_of_words(tokens: list[str]) -> str:
    """`detect_language` over already tokenised text (`text.words`)."""
    hits = [0] * len(_LISTED)
    languages_of = _LANGUAGES_OF.get
    for token in tokens:
        positions = languages_of(token)
        if positions is not None:
            for i in positions:
                hits[i] += 1
    # The first language with the most hits (ties go to the earlier one in STOPWORDS),
    # and the most hits among the others.
    best = hits.index(max(hits))
    top = hits[best]
    second = max(hits[:best] + hits[best + 1 :])
    if top < _MIN_HITS or top < _MARGIN * second:
        return "other"
    return _LISTED[best]
