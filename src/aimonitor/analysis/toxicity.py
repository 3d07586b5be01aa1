"""Toxicity: lexicon and phrase rules, English and French, on the canonical text.

Runs on the same canonical reading as the attack rules, so leetspeak ("1d10t"), spaced
letters ("c o n n a r d") and look-alike characters are already undone. A single insult word
is weak evidence (0.4: "idiot" also appears in "idiot-proof"); an insult aimed at someone
("you idiot", "espèce de connard"), a threat or a slur is strong. Category scores combine
with a noisy-OR; the text's score is the highest category score.
"""

# ruff: noqa: E501  (regular expressions and lookup tables read better unbroken)

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from aimonitor.analysis.attacks.normalize import Canonical, ascii_twin, canonicalize, words_of
from aimonitor.analysis.pattern_set import PatternSet
from aimonitor.types import ToxicityResult

CATEGORIES = ("insult", "threat", "hate", "sexual", "self_harm")

# Masked swear words ("f*ck", "sh!t", "f**king") read as the word they hide.
_MASKED = re.compile(r"\bf[*#@u]{1,2}c?k|\bsh[*!1i]t\b|\bb[*!1i]tch")
_UNMASK = {"f": "fuck", "s": "shit", "b": "bitch"}


@dataclass(frozen=True, slots=True)
class _Phrase:
    category: str
    weight: float
    triggers: frozenset[str]
    pattern: re.Pattern[str]
    ascii_pattern: re.Pattern[str]  # for ASCII readings (see `ascii_twin`)


def _p(category: str, weight: float, triggers: str, pattern: str) -> _Phrase:
    compiled = re.compile(pattern.replace(" ", r"\s"))
    return _Phrase(category, weight, frozenset(triggers.split()), compiled, ascii_twin(compiled))


# Single words, matched as whole tokens.
_LEXICON: dict[str, tuple[str, float]] = {
    **dict.fromkeys(
        [
            "idiot",
            "idiots",
            "stupid",
            "moron",
            "morons",
            "imbecile",
            "dumbass",
            "dumb",
            "loser",
            "losers",
            "jerk",
            "scum",
            "pathetic",
            "worthless",
            "retard",
            "retarded",
            "dimwit",
            "halfwit",
            "cretin",
            "cretins",
            "abruti",
            "abrutie",
            "debile",
            "cretine",
            "tocard",
            "tocarde",
            "naze",
            "nul",
            "nulle",
            "minable",
            "andouille",
            "bouffon",
            "bouffonne",
        ],
        ("insult", 0.4),
    ),
    **dict.fromkeys(
        [
            "asshole",
            "assholes",
            "bastard",
            "bastards",
            "bitch",
            "bitches",
            "cunt",
            "dickhead",
            "motherfucker",
            "twat",
            "wanker",
            "douchebag",
            "shithead",
            "prick",
            "connard",
            "connards",
            "connasse",
            "connasses",
            "salaud",
            "salauds",
            "salope",
            "salopes",
            "encule",
            "encules",
            "enfoire",
            "enfoiree",
            "batard",
            "batards",
            "petasse",
            "pouffiasse",
            "ordure",
            "ordures",
            "fdp",
        ],
        ("insult", 0.6),
    ),
    **dict.fromkeys(
        [
            "nigger",
            "niggers",
            "nigga",
            "faggot",
            "faggots",
            "kike",
            "kikes",
            "spic",
            "spics",
            "chink",
            "chinks",
            "tranny",
            "trannies",
            "wetback",
            "bougnoule",
            "bougnoules",
            "youpin",
            "youpins",
            "negro",
            "negros",
            "raton",
            "ratons",
        ],
        ("hate", 0.8),
    ),
    **dict.fromkeys(
        [
            "porn",
            "porno",
            "blowjob",
            "blowjobs",
            "handjob",
            "nudes",
            "dildo",
            "cumshot",
            "pornographique",
            "pipe",
            "fellation",
            "sodomie",
        ],
        ("sexual", 0.45),
    ),
    **dict.fromkeys(["suicide", "suicidaire"], ("self_harm", 0.35)),
}

_PHRASES: tuple[_Phrase, ...] = (
    _p(
        "insult",
        0.75,
        "idiot moron imbecile loser jerk retard bitch bastard asshole cunt dickhead twat wanker shit scum worthless pathetic stupid",
        r"\b(?:you(?:'re| are)?|u r|ur) (?:such |a |an |fucking |fuckin |complete |total |stupid |little |fat |ugly |dumb )*"
        r"(?:idiot|moron|imbecile|loser|jerk|retard|bitch|bastard|asshole|cunt|dickhead|twat|wanker|piece of shit|scum|worthless|pathetic|stupid)\b",
    ),
    _p(
        "insult",
        0.8,
        "fuck off shit",
        r"\b(?:fuck (?:you|off|u)|piece of shit|go to hell|shut the fuck up|stfu|eat shit)\b",
    ),
    _p(
        "insult",
        0.75,
        "con conne connard connasse abruti abrutie debile cretin cretine idiot idiote imbecile salope salaud encule enfoire batard merde ordure tocard naze minable",
        r"\b(?:espece d'?|sale |gros(?:se)? |pauvre |quel(?:le)? |t'es (?:qu'une? |une? )?|tu es (?:une? |qu'une? )?)(?:\S+ )?"
        r"(?:con|conne|connard|connasse|abruti|abrutie|debile|cretin|cretine|idiot|idiote|imbecile|salope|salaud|encule|enfoire|batard|merde|ordure|tocard|naze|minable)\b",
    ),
    _p(
        "insult",
        0.8,
        "ta gueule foutre nique mere",
        r"\b(?:ta gueule|ferme ta gueule|va te faire (?:foutre|enculer)|nique ta (?:mere|race)|fils de pute|fils de chien|va chier|grosse merde)\b",
    ),
    _p(
        # Rude on its own ("shut up and take my money" is not an insult): weak evidence.
        "insult",
        0.45,
        "shut tais ferme",
        r"\b(?:shut up|shut your (?:mouth|trap)|tais[- ]toi|taisez[- ]vous|la ferme|ferme[- ]la)\b",
    ),
    _p(
        "insult",
        0.75,
        "garbage trash rubbish useless worthless nul nulle nuls nulles",
        r"\b(?:garbage|trash|rubbish|useless|worthless),? (?:and )?so are you\b"
        r"|\b(?:nulles?|nuls?),? (?:et )?toi aussi\b",
    ),
    _p(
        "threat",
        0.85,
        "kill hurt murder find destroy beat stab shoot rape end break",
        r"\bi(?:'m| am)?(?:'ll| will| am going to| gonna| going to)? (?:\S+ )?(?:kill|hurt|murder|find|destroy|beat|stab|shoot|rape|end|break) (?:you|u|your (?:family|kids|children|face|legs))\b",
    ),
    _p(
        "threat",
        0.85,
        "die dead live watch regret",
        r"\byou(?:'re| are)? (?:going to|gonna) (?:die|be dead|pay|regret)\b|\bi know where you live\b|\bwatch your back\b|\byou(?:'re| are) (?:a )?dead (?:man|woman|meat)\b",
    ),
    _p(
        "threat",
        0.85,
        "tuer buter crever defoncer frapper egorger massacrer casser planter violer",
        r"\bje (?:vais|va) (?:te|vous) (?:\S+ ){0,3}?(?:tuer|buter|crever|defoncer|frapper|egorger|massacrer|casser la gueule|planter|violer)\b",
    ),
    _p(
        "threat",
        0.85,
        "mourir crever regretter payer habites habitez mort",
        r"\b(?:tu vas|vous allez) (?:mourir|crever|le regretter|payer|le payer)\b|\bje sais ou (?:tu habites|vous habitez)\b|\bt'es (?:un homme )?mort\b",
    ),
    _p(
        "hate",
        0.9,
        "jews muslims blacks immigrants gays arabs women asians mexicans christians migrants refugees trans",
        r"\b(?:all|those|the|these|kill all(?: the)?) (?:jews|muslims|blacks|immigrants|gays|arabs|women|asians|mexicans|christians|migrants|refugees|trans people) "
        r"(?:should|must|deserve to|need to|ought to) (?:die|be killed|be exterminated|burn|be gassed|be wiped out|be shot|go back)\b",
    ),
    _p(
        "hate",
        0.9,
        "mort aux exterminer sale",
        r"\bmort aux (?:juifs|arabes|noirs|musulmans|immigres|pedes|homos|chretiens|migrants)\b"
        r"|\b(?:exterminer|eliminer|gazer) (?:tous )?les (?:juifs|arabes|noirs|musulmans|immigres|pedes|homos|migrants)\b"
        r"|\bsale (?:arabe|noir|noire|juif|juive|pede|negre|bougnoule|musulman|chinois|chinoise|immigre|gouine)\b",
    ),
    _p(
        "sexual",
        0.8,
        "suck fuck dick cock pussy tits nudes",
        r"\b(?:suck my (?:dick|cock)|fuck me|(?:show|send) (?:me )?(?:your )?(?:nudes|tits|pussy|dick)|dick pic|i want to fuck)\b",
    ),
    _p(
        "sexual",
        0.8,
        "suce sucer baise baiser bite chatte nue nues",
        r"\b(?:suce (?:ma|moi)|sucer (?:ma|ta) bite|je (?:veux|vais) te baiser|baise(?:-| )moi|(?:envoie|montre)(?:-| )moi (?:tes seins|ta chatte|des photos de toi nue?s?))\b",
    ),
    _p(
        "self_harm",
        0.85,
        "myself suicide life die wanna harm dead live",
        r"\b(?:kill (?:myself|me)|commit suicide|end (?:my|it all|my own) life|want to die|wanna die|cut (?:myself|my wrists)|hurt myself|self[- ]harm(?:ing)?|better off dead|no reason to live)\b",
    ),
    _p(
        "self_harm",
        0.85,
        "suicider tuer finir mourir scarifier mal envie",
        r"\b(?:me suicider|me tuer|en finir avec (?:la|ma) vie|envie de mourir|veux mourir|me scarifier|me faire du mal|me couper les veines|plus envie de vivre)\b",
    ),
)


class ToxicityDetector:
    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        index: dict[str, list[_Phrase]] = defaultdict(list)
        for phrase in _PHRASES:
            for word in phrase.triggers:
                index[word].append(phrase)
        self._index = dict(index)
        # On an ASCII reading, the lexicon and the phrases run in one RE2 pass
        # (`pattern_set.py`). A lexicon entry (a-z only) is one of the text's words
        # exactly when it stands between non-letters; line ends are non-letters too, so
        # re.MULTILINE changes nothing there but lets RE2 read "$" as `re` does. A phrase
        # is still only counted when one of its trigger words occurs, as on the `re` path.
        self._lexicon_by_name = {f"word.{word}": entry for word, entry in _LEXICON.items()}
        self._phrase_by_name = {f"phrase.{i}": phrase for i, phrase in enumerate(_PHRASES)}
        self._one_pass = PatternSet(
            [
                (f"word.{word}", re.compile(rf"(?:^|[^a-z]){word}(?:[^a-z]|$)", re.MULTILINE))
                for word in _LEXICON
            ]
            + [(name, phrase.ascii_pattern) for name, phrase in self._phrase_by_name.items()]
        )

    def detect(self, text: str, canonical: Canonical | None = None) -> ToxicityResult:
        canonical = canonical if canonical is not None else canonicalize(text)
        # The canonical reading first, then the raw one (where leetspeak folding has not
        # turned "f@ck" into "fack"); masked words ("f*ck", "sh!t") are unmasked in both.
        readings = [canonical.text] + [v.text for v in canonical.views if v.source == "raw"]
        readings = [_MASKED.sub(_unmask, r) if _maybe_masked(r) else r for r in readings]
        remaining: dict[str, float] = {}
        for reading in readings:
            known = canonical if reading == canonical.text else None
            for category, weight in self._evidence(reading, known):
                remaining[category] = remaining.get(category, 1.0) * (1.0 - weight)
            if len(readings) > 1 and remaining:
                break  # the canonical reading already decided; the raw one adds nothing
        if not remaining:
            return ToxicityResult(0.0, False, ())
        scores = {category: 1.0 - rest for category, rest in remaining.items()}
        score = round(max(scores.values()), 4)
        detected = score >= self.threshold
        categories = tuple(
            c
            for c in CATEGORIES
            if scores.get(c, 0.0) >= self.threshold or (not detected and c in scores)
        )
        return ToxicityResult(score, detected, categories)

    def _evidence(self, reading: str, known: Canonical | None) -> list[tuple[str, float]]:
        """(category, weight) of each lexicon word and phrase found in one reading."""
        hits = self._one_pass.names_matching(reading)
        if hits is None:
            return self._evidence_with_re(reading, known)
        found: list[tuple[str, float]] = []
        words: frozenset[str] | None = None
        for name in hits:
            entry = self._lexicon_by_name.get(name)
            if entry is not None:
                found.append(entry)
                continue
            phrase = self._phrase_by_name[name]
            if words is None:
                words = known.words if known is not None else words_of(reading)
            if not phrase.triggers.isdisjoint(words):
                found.append((phrase.category, phrase.weight))
        return found

    def _evidence_with_re(self, reading: str, known: Canonical | None) -> list[tuple[str, float]]:
        words = known.words if known is not None else words_of(reading)
        found = [_LEXICON[word] for word in _LEXICON.keys() & words]
        candidates: dict[int, _Phrase] = {}
        for word in self._index.keys() & words:
            for phrase in self._index[word]:
                candidates[id(phrase)] = phrase
        ascii_only = reading.isascii()
        for phrase in candidates.values():
            pattern = phrase.ascii_pattern if ascii_only else phrase.pattern
            if pattern.search(reading):
                found.append((phrase.category, phrase.weight))
        return found


def _maybe_masked(text: str) -> bool:
    return "*" in text or "#" in text or "f@" in text or "h!t" in text or "b!t" in text


def _unmask(match: re.Match[str]) -> str:
    return _UNMASK[match.group()[0]]
