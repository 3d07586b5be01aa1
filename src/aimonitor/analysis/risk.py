"""AI Act risk level of one request, from its text and the deployment's use case.

Levels (most severe first): `unacceptable` (an Article 5 prohibited practice),
`high` (an Annex III domain), `limited` (Article 50 transparency duties: a system
that talks with people, deepfakes), `minimal` (everything else).

How a level is decided (docs/ai-act.md has the full rule table and its limits):

1. The text is normalised (lower case, accents and typographic apostrophes removed,
   whitespace collapsed) so that English and French rules are written once, without
   accents, and match "évaluer" as well as "evaluer".
2. Each rule is a small conjunction of phrase patterns ("a decision verb" AND "a
   credit-risk notion"); the first rule that matches, in order of severity, decides.
   Conjunctions keep look-alikes out: "what is credit?" names no assessment, "the
   emotion in this poem" no sensor, so neither is classified.
3. A request that only *talks about* a practice (a definition, a question about the
   law, a story) without asking for it to be carried out on someone is not escalated:
   the rule is reported in the explanation, the level stays at the floor.
4. The deployment's use case (`AIMONITOR_AI_ACT_USE_CASE`) sets the floor. With none
   declared the floor is `limited`: this service answers people's prompts directly,
   which Article 50(1) makes a transparency duty. Declare `minimal` (or `internal`,
   `batch`) for a system no person talks to.

This is a screening aid that names the rule it applied, not a legal qualification:
the provider's conformity assessment remains the authority.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from aimonitor.analysis.stems import literal_stems, search_at_stems
from aimonitor.types import RiskAssessment, RiskLevel

# Very long prompts are classified on their head and tail only: the request ("rank these
# CVs") sits before or after the pasted material, and the cost stays under a millisecond.
HEAD_CHARS = 3_000
TAIL_CHARS = 1_000

_SEVERITY: dict[RiskLevel, int] = {
    RiskLevel.MINIMAL: 0,
    RiskLevel.LIMITED: 1,
    RiskLevel.HIGH: 2,
    RiskLevel.UNACCEPTABLE: 3,
}


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + pattern + r")")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    level: RiskLevel
    domain: str
    patterns: tuple[re.Pattern[str], ...]  # all must match
    explanation: str
    # Word prefixes of which each pattern needs one (see `_stems`); patterns whose
    # alternatives do not all start with a literal word have no gate.
    gates: tuple[frozenset[str], ...] = ()
    # The same patterns with ASCII character classes, used on ASCII text (see `_ascii`).
    ascii_patterns: tuple[re.Pattern[str], ...] = ()
    # Per pattern, the literal stems every match starts with (None: unknown), so that the
    # pattern is tried only where one occurs (`search_at_stems`).
    starts: tuple[frozenset[str] | None, ...] = ()

    def matches(self, text: str, prefixes: frozenset[str] | None = None) -> bool:
        if prefixes is not None and any(gate.isdisjoint(prefixes) for gate in self.gates):
            return False
        patterns = self.ascii_patterns if self.ascii_patterns and text.isascii() else self.patterns
        starts = self.starts or (None,) * len(patterns)
        return all(
            search_at_stems(pattern, text, stems)
            for pattern, stems in zip(patterns, starts, strict=True)
        )


def _ascii(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` with ASCII classes: on ASCII text `re` then tests `\\b`, `\\w` with a table
    instead of the Unicode database, twice as fast. The matches are the same, because
    `normalise` leaves no whitespace but the plain space (ASCII and Unicode `\\s` differ
    only on U+001C-U+001F) and ASCII text has no other letters or digits."""
    return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)


def _rule(name: str, level: RiskLevel, domain: str, explanation: str, *patterns: str) -> Rule:
    gates = tuple(stems for stems in map(_stems, patterns) if stems is not None)
    compiled = tuple(_p(p) for p in patterns)
    starts = tuple(literal_stems(p, 3, 64) for p in patterns)
    return Rule(
        name, level, domain, compiled, explanation, gates, tuple(map(_ascii, compiled)), starts
    )


# --- the prefix gate ------------------------------------------------------------------
# Running every rule's alternations over every prompt is costly. Most rules need a rare word
# ("solvabilite", "asylum"): a set of the prompt's word prefixes, built once, lets the
# classifier skip a rule without running its regexes. The gate is derived from the
# patterns themselves and only ever skips rules that could not match (tested).

_WORD = re.compile(r"\w+")
_STEM_MIN = 3
_STEM_MAX = 8


def _stems(src: str) -> frozenset[str] | None:
    return literal_stems(src, _STEM_MIN, _STEM_MAX)


class StemFinder:
    """Which of the gates' stems start a word of the text: `word_prefixes(text) & stems`,
    in one regex pass instead of slicing every word six times.

    The stems are compiled as a trie ("emplo(?:y(?:ee)?)?"), so `re` follows one branch per
    character, and at each word start it matches the longest stem there (continuing is
    tried before stopping); any shorter stem starting that word is a prefix of that one,
    recovered by slicing the match."""

    def __init__(self, stems: frozenset[str]) -> None:
        self.stems = stems
        source = r"\b" + _trie_source(sorted(stems)) if stems else r"(?!)"
        self._unicode = re.compile(source)
        self._ascii = _ascii(self._unicode)

    def __call__(self, normalised: str) -> frozenset[str]:
        pattern = self._ascii if normalised.isascii() else self._unicode
        found = {
            stem[:size]
            for stem in set(pattern.findall(normalised))
            for size in range(_STEM_MIN, len(stem) + 1)
        }
        return frozenset(found & self.stems)


def _trie_source(words: list[str]) -> str:
    """A regex matching exactly `words` (sorted, non-empty), longest first."""
    ends_here = "" in words
    children: dict[str, list[str]] = {}
    for word in words:
        if word:
            children.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(char) + _trie_source(rest) for char, rest in children.items()]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return (group if len(branches) > 1 else "(?:" + group + ")") + "?"
    return group


def word_prefixes(normalised: str) -> frozenset[str]:
    return frozenset(
        word[:size]
        for word in set(_WORD.findall(normalised))
        for size in range(_STEM_MIN, min(len(word), _STEM_MAX) + 1)
    )


U = RiskLevel.UNACCEPTABLE
H = RiskLevel.HIGH
L = RiskLevel.LIMITED

# --- shared vocabulary (normalised: lower case, no accents) -------------------------

_BIOMETRIC_MEDIA = (
    r"faces?|facial|photos?|pictures?|images?|selfies?|video\w*|footage|cctv|cameras?"
    r"|voices?|recordings?|gait|fingerprints?|iris|biometric\w*|visages?|faciale?s?|voix"
    r"|enregistrements?|demarche|empreintes?|biometri\w*"
)
_EMOTION_READING = (
    r"(?:detect\w*|recogni[sz]\w*|infer\w*|monitor\w*|track\w*|read\w*|measur\w*|analy[sz]\w*"
    r"|identif\w*|classif\w*|check\w*|verif\w*|detecter|detecte|reconnaitre|analyser|analyse|mesurer|surveiller"
    r"|deduire|identifier|lire|suivre)\b.{0,40}\b(?:emotions?|emotional states?|moods?|feelings"
    r"|stress levels?|frustration|engagement levels?|attention levels?|humeurs?|bored\w*"
    r"|nervous\w*|anxi\w*|angry|anger|unhappy|s'ennui\w*|nerveu\w*|en colere"
    r"|etats? emotionnels?|sentiments?|niveau de stress)"
)
_EMOTION_SYSTEM = (
    r"emotion (?:recognition|detection|analytics|tracking)|(?:reconnaissance|detection|analyse)"
    r" (?:des |d')?emotions"
)
_EMOTION_SENSOR = (
    r"faces?|facial|expressions?|webcams?|cameras?|video\w*|voices?|tone of voice"
    r"|micro-?expressions?|biometric\w*|heart rate|keystrokes?|eye-?tracking|visages?"
    r"|faciale?s?|voix|ton de la voix|biometri\w*|rythme cardiaque"
)
_WORK_OR_SCHOOL = (
    r"employees?|staff|workplace|at work|(?:remote |office |factory )?workers"
    r"|call-?cent(?:er|re) agents?"
    r"|job interviews?|job candidates?|students?|pupils?|classrooms?|schools?|lectures?"
    r"|exams?|salaries|salarie|employes?|collaborateurs?|au travail|lieu de travail|bureau"
    r"|entretiens? d'embauche|candidats?|eleves?|etudiants?|en classe|salle de classe|ecoles?"
    r"|examens?|cours"
)
_SENSITIVE_TRAIT = (
    r"race|racial|ethnic\w*|sexual orientation|gay|lesbian|homosexual\w*|religio\w*"
    r"|political (?:opinions?|views?|leanings?|affiliation)|trade union|union membership"
    r"|sex life|origine ethnique|ethnie|orientation sexuelle|homosexuel\w*"
    r"|convictions? religieuses?|opinions? politiques?|appartenance syndicale|syndiqu\w*"
    r"|vie sexuelle"
)
_INFER = (
    r"infer\w*|deduc\w*|deduire|deduis|predict\w*|predire|determin\w*|guess\w*|deviner"
    r"|devine|classif\w*|classer|categori[sz]\w*|detect\w*|detecter|identif\w*|tell (?:if|whether)"
    r"|sort\w*|trier|reveal\w*|estimat\w*|estimer"
)
_CRIME = (
    r"crimes?|criminal\w*|offen[cs]es?|offend\w*|delinquan\w*|terroris\w*|delits?|infractions?"
    r"|criminel\w*"
)
_PROFILING_BASIS = (
    r"personality|traits?|profil\w*|appearance|looks|ethnic\w*|race|religion|nationality"
    r"|neighbou?rhoods?|postcodes?|zip codes?|family background|social media|personnalite"
    r"|apparence|visage|origine|ethnie|quartiers?|code postal|famille|nationalite"
    r"|reseaux sociaux"
)
_PEOPLE_TO_SCORE = (
    r"citizens?|residents?|inhabitants?|people|persons?|individuals?|users?|citoyens?"
    r"|habitants?|individus?|personnes?|usagers?"
)
_JOB = (
    r"jobs?|positions?|roles?|vacanc\w*|hir\w*|recruit\w*|posts?|interview\w*|postes?|emplois?"
    r"|recrut\w*|embauch\w*|entretiens?|offres? d'emploi"
)
_ASSESS = (
    r"assess\w*|evaluat\w*|calculat\w*|comput\w*|determin\w*|predict\w*|estimat\w*|model\w*"
    r"|assign\w*|give (?:me )?(?:a|an|the)|give (?:this|each|every|these|that|our) \w+"
    r"|rate|rating|evaluer|evalue|calculer|calcule"
    r"|determiner|predire|estimer|estime|attribuer|analyser|analyse|noter|note|modeliser"
)

RULES: tuple[Rule, ...] = (
    # --- Article 5: prohibited practices --------------------------------------------
    _rule(
        "art5_1c.social_scoring.explicit", U, "social_scoring",
        "asks for a social score or social credit system (Art. 5(1)(c))",
        r"social (?:credit|scor\w*)|notation sociale|credit social|score social",
    ),
    _rule(
        "art5_1c.social_scoring.behaviour", U, "social_scoring",
        "asks to score people on their social behaviour or personality (Art. 5(1)(c))",
        r"(?:score|rate|rank|grade|classify|noter|note|classer|evaluer|attribuer un score)\b"
        rf".{{0,40}}\b(?:{_PEOPLE_TO_SCORE})\b.{{0,60}}\b(?:based on|according to|by|from|using"
        r"|selon|en fonction de|d'apres|a partir de)\b.{0,30}\b(?:social behaviou?r|behaviou?r"
        r"|conduct|lifestyle|personality|political|social media|comportement|mode de vie"
        r"|personnalite|reseaux sociaux|opinions)",
    ),
    _rule(
        "art5_1a.manipulation.subliminal", U, "manipulation",
        "asks for subliminal techniques to influence people (Art. 5(1)(a))",
        r"subliminal\w*",
        r"messages?|techniques?|cues?|images?|audio|ads?|adverts?|signals?|influenc\w*|persua\w*"
        r"|manipul\w*|pousser|inciter|publicit\w*",
    ),
    _rule(
        "art5_1a.manipulation.deceptive", U, "manipulation",
        "asks to manipulate or deceive people into acting against their interest "
        "(Art. 5(1)(a))",
        r"(?:manipulat\w*|trick\w*|deceiv\w*|brainwash\w*|manipuler|manipule|tromper|duper"
        r"|pieger)\b.{0,40}\b(?:users?|people|customers?|consumers?|voters?|patients?|children"
        r"|kids|elderly|visitors?|utilisateurs?|gens|clients?|consommateurs?|electeurs?|enfants"
        r"|personnes agees|visiteurs?|les)\b.{0,60}\b(?:into|so that|without (?:them|their)"
        r"|a leur insu|sans qu'ils|pour qu'ils|pour les pousser|afin qu'ils|to (?:buy|vote|sign"
        r"|spend|give|share|click|subscribe)|a (?:acheter|voter|signer|depenser|donner|partager"
        r"|cliquer|s'abonner))",
    ),
    _rule(
        "art5_1a.manipulation.dark_patterns", U, "manipulation",
        "asks for dark patterns that push people into decisions (Art. 5(1)(a))",
        r"dark patterns?|interfaces? trompeuses?|design trompeur",
        r"trick\w*|push\w*|forc\w*|manipul\w*|pressur\w*|pieger|forcer|pousser|manipuler",
    ),
    _rule(
        "art5_1b.exploitation_of_vulnerabilities", U, "exploitation_of_vulnerabilities",
        "asks to exploit a vulnerability of age, disability or social situation "
        "(Art. 5(1)(b))",
        r"(?:exploit\w*|take advantage of|prey on|profit from|target\w*|exploiter|profiter de"
        r"|cibler|ciblant)\b.{0,40}\b(?:vulnerab\w*|elderly|old people|seniors?|pensioners?"
        r"|children|kids|minors|teenagers|disabled|disabilit\w*|dementia|poor|low-income"
        r"|people in debt|indebted|addicts?|addiction|gambling problems?|personnes agees"
        r"|retraites|enfants|mineurs|adolescents|handicap\w*|demence|pauvres|precaires"
        r"|surendett\w*|endett\w*|addict\w*|dependan\w*)",
        r"(?:into|so (?:that )?they|to|a|pour qu'?(?:ils?|elles?)|afin qu'?(?:ils?|elles?))\b"
        r".{0,30}\b(?:buy\w*|spend\w*|gambl\w*|bet\w*|borrow\w*|sign\w*|pay\w*|take out"
        r"|subscrib\w*|invest\w*|achet\w*|depens\w*|pari\w*|jouer|emprunt\w*|signe\w*|pai\w*"
        r"|payer|souscri\w*|investi\w*)"
        r"|(?:their|leur|leurs) (?:vulnerab\w*|fragilit\w*|weakness\w*|faiblesses?|solitude"
        r"|loneliness|confusion)",
    ),
    _rule(
        "art5_1d.predictive_policing.profiling", U, "predictive_policing",
        "asks to predict who will commit a crime from profiling or personality traits "
        "(Art. 5(1)(d))",
        r"(?:predict\w*|forecast\w*|estimat\w*|assess\w*|determin\w*|identif\w*|flag\w*"
        r"|predire|prevoir|estimer|evaluer|determiner|identifier|reperer|detecter)\b.{0,80}"
        r"\b(?:will|likely|going to|probability|risk|chances?|va|vont|risquent|risque"
        r"|probabilite|susceptibles?)\b.{0,40}\b(?:commit\w*|become|turn to|engage in"
        rf"|commettre|devenir|basculer)\b.{{0,30}}\b(?:{_CRIME})",
        _PROFILING_BASIS,
    ),
    _rule(
        "art5_1e.facial_scraping", U, "facial_scraping",
        "asks to scrape facial images from the internet or CCTV for recognition "
        "(Art. 5(1)(e))",
        r"(?:scrap\w*|crawl\w*|harvest\w*|collect\w*|download\w*|gather\w*|aspir\w*|moissonn\w*"
        r"|recolt\w*|telecharg\w*|extraire|extrais)\b.{0,60}\b(?:faces?|facial images?"
        r"|face images?|photos? of (?:people|faces|persons)|profile (?:pictures|photos)|selfies"
        r"|visages?|photos? de (?:personnes|visages|profil)|images? faciales?)",
        r"internet|web|online|social (?:media|networks?)|instagram|facebook|linkedin|tiktok"
        r"|twitter|cctv|security cameras?|video ?surveillance|en ligne|reseaux sociaux"
        r"|cameras? de surveillance|videosurveillance",
        r"recogni\w*|identif\w*|databases?|datasets?|train\w*|match\w*|reconnaissance"
        r"|base de donnees|jeu de donnees|entrain\w*",
    ),
    _rule(
        "art5_1f.emotion_recognition.system", U, "emotion_recognition_workplace_education",
        "asks for emotion recognition of workers or students (Art. 5(1)(f))",
        _EMOTION_SYSTEM,
        _WORK_OR_SCHOOL,
    ),
    _rule(
        "art5_1f.emotion_recognition.sensor", U, "emotion_recognition_workplace_education",
        "asks to read workers' or students' emotions from face, voice or body signals "
        "(Art. 5(1)(f))",
        _EMOTION_READING,
        _EMOTION_SENSOR,
        _WORK_OR_SCHOOL,
    ),
    _rule(
        "art5_1f.emotion_recognition.expressions", U, "emotion_recognition_workplace_education",
        "asks to read the facial expressions or body language of workers or students "
        "(Art. 5(1)(f))",
        r"(?:analy[sz]\w*|detect\w*|read\w*|track\w*|monitor\w*|interpret\w*|analyser|analyse"
        r"|detecter|lire|suivre|surveiller|interpreter)\b.{0,30}\b(?:facial expressions?"
        r"|expressions? faciales?|micro-?expressions?|body language|langage corporel)",
        _WORK_OR_SCHOOL,
    ),
    _rule(
        "art5_1g.biometric_categorisation", U, "biometric_categorisation",
        "asks to infer race, religion, political opinion, union membership or sexual "
        "orientation from biometric data (Art. 5(1)(g))",
        _INFER,
        _SENSITIVE_TRAIT,
        _BIOMETRIC_MEDIA,
    ),
    _rule(
        "art5_1h.realtime_remote_biometric_id", U, "realtime_remote_biometric_id",
        "asks for real-time remote biometric identification in public spaces (Art. 5(1)(h))",
        r"real-?time|live|in real time|en temps reel|en direct|instantane\w*",
        r"facial recognition|face recognition|face matching|identify (?:people|individuals"
        r"|persons|faces|passers-?by|everyone|anyone|pedestrians)|biometric identification"
        r"|reconnaissance faciale|identifier (?:les|des) (?:personnes|passants|individus"
        r"|visages|pietons)|identification biometrique",
        r"public|streets?|crowds?|cctv|surveillance cameras?|security cameras?|stations?"
        r"|stadiums?|squares?|protests?|demonstrations?|airports?|rues?|foules?"
        r"|espaces? publics?|voie publique|cameras? de surveillance|videosurveillance|gares?"
        r"|stades?|place publique|manifestations?|aeroports?",
    ),
    # --- Annex III: high-risk domains -------------------------------------------------
    _rule(
        "annex3_1a.biometrics.identification", H, "biometrics",
        "asks to identify a person from biometric data (Annex III 1(a))",
        r"facial recognition|face recognition|face matching|face search|reverse face"
        r"|identify (?:the|this|that|these) (?:person|people|man|woman|individuals?|faces?)"
        r"|who is (?:the|this|that) (?:person|man|woman|guy|girl)"
        r"|recogni[sz]e (?:the )?(?:person|people|faces?)|reconnaissance faciale"
        r"|identifier (?:la|cette|ces|les) (?:personnes?|individus?|visages?|homme|femme)"
        r"|qui est (?:cette|la) (?:personne|femme)|qui est (?:cet|l') ?homme"
        r"|reconnaitre (?:les|la|cette) (?:personnes?|visages?)|speaker identification"
        r"|voice ?prints?|identify the speaker|empreinte vocale|identification du locuteur"
        r"|fingerprint (?:matching|identification)|identification (?:par|des) empreintes",
        _BIOMETRIC_MEDIA,
    ),
    _rule(
        "annex3_1b.biometrics.categorisation", H, "biometrics",
        "asks to categorise people by protected traits inferred from biometric data "
        "(Annex III 1(b))",
        _INFER,
        r"age|gender|sex|genre|sexe|disabilit\w*|handicap",
        r"faces?|facial|selfies?|voices?|gait|fingerprints?|biometric\w*|visages?|voix"
        r"|demarche|empreintes?|biometri\w*",
    ),
    _rule(
        "annex3_1c.biometrics.emotion_recognition", H, "biometrics",
        "asks for emotion recognition from biometric signals (Annex III 1(c))",
        rf"{_EMOTION_SYSTEM}|{_EMOTION_READING}",
        _EMOTION_SENSOR,
    ),
    _rule(
        "annex3_2.critical_infrastructure", H, "critical_infrastructure",
        "asks to operate or control critical infrastructure (Annex III 2)",
        r"control\w*|operat\w*|manag\w*|regulat\w*|shut\w* (?:down|off)|switch\w* (?:off|on)"
        r"|dispatch\w*|balanc\w*|optimi[sz]\w*|automat\w*|pilot\w*|steer\w*|schedul\w*"
        r"|load-?shedding|controler|controle|piloter|pilote|gerer|gere|reguler|regule|couper"
        r"|coupe|commander|commande|optimiser|optimise|automatiser|delestage",
        r"power grid|electricity grid|electrical grid|electric grid|grid load|substations?"
        r"|power plants?|power stations?|water (?:supply|treatment|distribution|network|plant)"
        r"|drinking water|wastewater|gas (?:supply|pipelines?|network|distribution|grid)"
        r"|district heating|heating network|traffic lights?|traffic signals?|road traffic"
        r"|railway signal\w*|nuclear (?:plant|reactor|power)|dams?|scada"
        r"|industrial control systems?|reseau electrique|reseau d'electricite"
        r"|postes? electriques?|centrales? (?:electriques?|nucleaires?)|distribution d'eau"
        r"|eau potable|traitement des eaux|reseau d'eau|reseau de gaz|gazoduc|chauffage urbain"
        r"|reseau de chaleur|feux (?:de circulation|tricolores)|trafic routier"
        r"|signalisation ferroviaire|barrages?|reacteur nucleaire",
    ),
    _rule(
        "annex3_3a.education.admission", H, "education",
        "asks to decide admission to education (Annex III 3(a))",
        r"admission\w*|admit\w*|accept\w*|reject\w*|select\w*|admettre|accepter|refuser"
        r"|rejeter|selectionner|departager|parcoursup|decid\w*|determin\w*|choos\w*|award\w*"
        r"|choisir|decider|attribu\w*",
        r"students?|applicants?|candidates?|pupils?|etudiants?|eleves?|candidats?|dossiers?",
        r"universit\w*|college|schools?|programm?e?s?|courses?|master'?s?|degrees?|ecoles?"
        r"|lycee|faculte|formations?|licence|classes? prepa\w*|cursus|parcoursup"
        r"|scholarships?|bourses?",
    ),
    _rule(
        "annex3_3b.education.assessment", H, "education",
        "asks to grade or evaluate students' learning outcomes (Annex III 3(b))",
        r"grad\w*|mark\w*|scor\w*|evaluat\w*|assess\w*|rank\w*|correct\w*|noter|note|corriger"
        r"|corrige|evaluer|evalue|classer|classe",
        r"students?'? (?:essays?|papers?|exams?|answers?|work|assignments?|homework)"
        r"|(?:the|these|this|all|my|our) (?:students?|pupils?|class|exam papers?|exam scripts?)"
        r"|exam (?:papers?|scripts?|answers?|copies)|(?:les|ces|mes|nos) (?:copies|eleves"
        r"|etudiants|devoirs|examens)|copies d'(?:examen|eleves)",
    ),
    _rule(
        "annex3_3d.education.proctoring", H, "education",
        "asks to monitor students for cheating during tests (Annex III 3(d))",
        r"proctor\w*|detect\w* cheating|cheating detection|monitor\w* (?:students|candidates)"
        r"|surveill\w* (?:les )?(?:eleves|etudiants|candidats)|detect\w* (?:la )?(?:triche"
        r"|fraude)|telesurveillance",
        r"exams?|tests?|quiz\w*|examens?|epreuves?|partiels?|concours|students|eleves"
        r"|etudiants",
    ),
    _rule(
        "annex3_4a.employment.cv_screening", H, "employment",
        "asks to screen, rank or evaluate job applications (Annex III 4(a))",
        r"(?:screen|shortlist|rank|filter|sort|evaluat|assess|scor|rate|select|reject|pick"
        r"|compar|review|analy[sz]|trier|trie|classer|classe|evaluer|evalue|selectionner"
        r"|selectionne|preselection|rejeter|rejette|noter|note|comparer|compare|analyser"
        r"|analyse|filtrer|filtre)\w*\b.{0,40}\b(?:these|the|all|our|those|both|two|three"
        r"|candidates'?|applicants'?|ces|les|nos|des|deux|trois)\b.{0,20}\b(?:cvs?|c\.v\.?"
        r"|resumes?|curriculum|job applications?|candidatures?|lettres de motivation)",
    ),
    _rule(
        "annex3_4a.employment.candidates", H, "employment",
        "asks to evaluate or select job candidates (Annex III 4(a))",
        r"screen\w*|shortlist\w*|rank\w*|filter\w*|sort\w*|evaluat\w*|assess\w*|scor\w*|rate"
        r"|select\w*|reject\w*|pick\w*|compar\w*|choos\w*|trier|trie|classer|classe|evaluer"
        r"|evalue|selectionner|selectionne|preselection\w*|rejeter|rejette|noter|comparer"
        r"|choisir|departager",
        r"candidates?|applicants?|candidats?|candidates?|postulants?",
        _JOB,
    ),
    _rule(
        "annex3_4b.employment.decisions", H, "employment",
        "asks to decide hiring, dismissal or promotion of workers (Annex III 4(b))",
        r"should (?:we|i) (?:hire|fire|dismiss|promote|lay off|let go)"
        r"|(?:decide|decision on|choose) (?:whether|if|who|which)\b.{0,40}\b(?:hire|fire|dismiss"
        r"|promote|lay off|let go|terminate)|(?:who|which (?:employees?|workers?|staff))"
        r" (?:to|should we|should i) (?:hire|fire|dismiss|promote|lay off|let go)"
        r"|(?:faut-il|doit-on|dois-je|devons-nous) (?:l'|le |la |les )?(?:embaucher|recruter"
        r"|licencier|renvoyer|promouvoir|congedier)|(?:qui|quels? (?:salaries|employes"
        r"|collaborateurs)) (?:faut-il |doit-on )?(?:embaucher|recruter|licencier|renvoyer"
        r"|promouvoir)|(?:lequel|laquelle|lesquels|lesquelles)\b.{0,40}\b(?:embaucher"
        r"|recruter|licencier|renvoyer|promouvoir)|(?:devrions-nous|devrais-je) (?:l'|le |la "
        r"|les )?(?:embaucher|recruter|licencier|renvoyer|promouvoir|congedier"
        r"|promouvoir)|(?:decider|choisir) (?:qui|quels?)\b.{0,40}\b(?:embaucher|recruter"
        r"|licencier|renvoyer|promouvoir)",
    ),
    _rule(
        "annex3_4b.employment.monitoring", H, "employment",
        "asks to monitor or evaluate workers' performance or behaviour (Annex III 4(b))",
        r"monitor\w*|track\w*|surveil\w*|evaluat\w*|assess\w*|scor\w*|rank\w*|rate|rating"
        r"|measur\w*|evaluer|evalue|noter|classer|mesurer|suivre|surveiller",
        r"employees?|staff|team members?|call-?cent(?:er|re) agents?|sales reps?"
        r"|delivery drivers?|couriers?|salaries|salarie|employes?|collaborateurs?|livreurs?",
        r"performance|productivity|behaviou?r|output|keystrokes|activity|efficiency|rendement"
        r"|productivite|comportement|activite|efficacite",
    ),
    _rule(
        "annex3_5b.essential_services.credit_scoring", H, "essential_services",
        "asks to assess a person's creditworthiness (Annex III 5(b))",
        _ASSESS,
        r"credit-?worthiness|credit ?scores?|credit ?scoring|credit risk|default risk"
        r"|probability of default|risk of default|ability to repay|repayment capacity"
        r"|solvabilite|score de credit|scoring (?:de )?credit|risque de (?:credit|defaut)"
        r"|capacite (?:d'emprunt|de remboursement)|probabilite de defaut",
    ),
    _rule(
        "annex3_5b.essential_services.loan_decision", H, "essential_services",
        "asks to decide on a loan or credit application (Annex III 5(b))",
        r"approv\w*|reject\w*|deny|denied|declin\w*|grant\w*|refus\w*|assess\w*|evaluat\w*"
        r"|decide|decision|scor\w*|approuver|rejeter|rejette|accorder|accorde|evaluer|evalue"
        r"|decider|octroi\w*|octroyer|lend\w*|preter",
        r"loan applications?|loan requests?|mortgage applications?|credit applications?"
        r"|credit requests?|(?:loan|mortgage|credit) applicants?|borrowers?"
        r"|lend\w* (?:money |\w+ )?to|preter (?:de l'argent )?a|credits? (?:immobiliers?"
        r"|a la consommation)|prets? (?:immobiliers?|personnels?)|this (?:loan"
        r"|mortgage)|demandes? de (?:pret|credit)|emprunteurs?|dossiers? de (?:pret|credit)"
        r"|(?:ce|un|le) (?:pret|credit) (?:a|au|pour)",
    ),
    _rule(
        "annex3_5c.essential_services.insurance", H, "essential_services",
        "asks to price or underwrite life or health insurance for a person (Annex III 5(c))",
        r"pric\w*|premiums?|underwrit\w*|rate|rating|risk (?:assessment|score|profile)"
        r"|tarif\w*|primes?|souscription|cotisations?|risque",
        r"life insurance|health insurance|medical insurance|life cover|assurances?-?vie"
        r"|assurances? (?:sante|maladie|deces|emprunteur)|mutuelles?|complementaires? sante",
        r"calculat\w*|set|determin\w*|decid\w*|adjust\w*|assess\w*|evaluat\w*|estimat\w*"
        r"|comput\w*|accept|reject|refuse|deny|underwrit\w*|fix\w*|calculer|calcule|fixer"
        r"|determiner|ajuster|evaluer|estimer|accepter|refuser|rejeter|moduler",
    ),
    _rule(
        "annex3_5a.essential_services.public_benefits", H, "essential_services",
        "asks to decide eligibility for public assistance benefits (Annex III 5(a))",
        r"eligib\w*|entitle\w*|grant\w*|deny|denied|revok\w*|reduc\w*|approv\w*|refus\w*"
        r"|suspend\w*|cut\w*|withdraw\w*|assess\w*|decide\w*|eligible|droits?|accorder"
        r"|refuser|suspendre|supprimer|retirer|attribuer|evaluer|decider|radier",
        r"welfare|social (?:benefits?|assistance|housing)|unemployment (?:benefits?|insurance)"
        r"|housing (?:benefits?|assistance)|public assistance|disability (?:benefits?"
        r"|allowance)|food stamps|child benefits?|allocations? (?:familiales|chomage|logement"
        r"|adulte handicape)|aides? sociales?|minima sociaux|prestations? sociales?|rsa|apl"
        r"|indemnites? chomage|allocation chomage",
    ),
    _rule(
        "annex3_5d.essential_services.emergency_triage", H, "essential_services",
        "asks to triage or dispatch emergency calls or patients (Annex III 5(d))",
        r"triag\w*|prioriti[sz]\w*|dispatch\w*|rank\w*|classify\w*|trier|prioriser"
        r"|hierarchiser|orienter",
        r"emergency calls?|911 calls?|112 calls?|999 calls?|ambulances?|emergency (?:services"
        r"|responders|patients|room)|first responders|appels? d'urgence|appels au (?:15|18|112)"
        r"|samu|pompiers|secours|patients aux urgences|service des urgences",
    ),
    _rule(
        "annex3_6d.law_enforcement.crime_prediction", H, "law_enforcement",
        "asks to assess the risk of a person offending or reoffending (Annex III 6(d))",
        r"(?:assess\w*|predict\w*|estimat\w*|scor\w*|evaluat\w*|calculat\w*|determin\w*|rate"
        r"|evaluer|predire|estimer|calculer|determiner|noter|prevoir|forecast\w*)\b.{0,80}"
        r"\b(?:recidivi\w*|re-?offend\w*|(?:re)?offending|risque de recidive|recidive"
        r"|becoming a victim|devenir victime|(?:will|likely|going to|probability|va|vont"
        r"|risque|probabilite)\b.{0,40}\bcommit\w*)",
    ),
    _rule(
        "annex3_6b.law_enforcement.lie_detection", H, "law_enforcement",
        "asks for lie detection on suspects or witnesses (Annex III 6(b))",
        r"lie detect\w*|polygraph\w*|detect\w* (?:if|whether|when)\b.{0,30}\blying"
        r"|detect\w* (?:lies|deception)|detecteur de mensonges?|detecter (?:si|les)\b.{0,30}"
        r"\b(?:ment|mensonges?)|detection (?:de|du|des) mensonges?",
        r"suspects?|witness\w*|interrogat\w*|police|detainees?|accused|defendants?|temoins?"
        r"|interrogatoires?|gardes? a vue|prevenus?|accuses?",
    ),
    _rule(
        "annex3_6c.law_enforcement.evidence", H, "law_enforcement",
        "asks to evaluate the reliability of evidence in an investigation (Annex III 6(c))",
        r"(?:reliability|credibility|fiabilite|credibilite) (?:of|de|des|du) (?:the )?"
        r"(?:evidence|witness\w*|testimon\w*|preuves?|temoins?|temoignages?)",
    ),
    _rule(
        "annex3_6e.law_enforcement.profiling", H, "law_enforcement",
        "asks to profile or single out suspects in a criminal investigation (Annex III 6(e))",
        r"profil\w*|identif\w*|rank\w*|flag\w*|reperer|cibler|single out",
        r"suspects?|criminals?|offenders?|gang members?|delinquants?|criminels?",
        r"police|investigat\w*|crimes?|law enforcement|enquetes?|forces de l'ordre"
        r"|gendarmerie",
    ),
    _rule(
        "annex3_7.migration", H, "migration",
        "asks to assess or decide on asylum, visa, residence or border cases (Annex III 7)",
        r"assess\w*|evaluat\w*|decid\w*|decision|approv\w*|reject\w*|deny|denied|grant\w*"
        r"|refus\w*|screen\w*|examin\w*|verify\w*|scor\w*|flag\w*|classify\w*|determin\w*"
        r"|judg\w*|credib\w*|evaluer|evalue"
        r"|decider|approuver|rejeter|accorder|examiner|instruire|trier|verifier|reperer",
        r"asylum|refugees?|refugies?|visa applications?|visa applicants?|residence permits?"
        r"|residency permits?|work permits?|immigration (?:applications?|status|cases?)"
        r"|border (?:control|checks?|crossings?)|migrants?|travell?ers? at the border"
        r"|naturali[sz]ation|deport\w*|demandes? d'asile|demandeurs? d'asile|droit d'asile"
        r"|statut de refugie|demandes? de visa|titres? de sejour|permis de (?:sejour|travail)"
        r"|controles? aux frontieres|naturalisation|expulsion\w*|oqtf",
    ),
    _rule(
        "annex3_8a.justice.adjudication", H, "justice",
        "asks to decide a legal case, a verdict or a sentence (Annex III 8(a))",
        r"rule on|judge (?:this|the|whether|if|who)|should the (?:court|judge|tribunal)"
        r" (?:grant|award|rule|decide|order|convict|acquit)|le (?:juge|tribunal)"
        r" (?:doit-il|devrait-il)|adjudicat\w*|sentenc(?:e|ing) (?:the|this"
        r"|him|her|them)|(?:what|which) sentence (?:should|would)|draft (?:the |a )?"
        r"(?:judgment|judgement|verdict|ruling)|determine (?:the )?(?:sentence|verdict|guilt"
        r"|penalty|damages)|(?:is|was) (?:the defendant|the accused) guilty"
        r"|apply (?:the )?law to (?:the |these )?facts|decide (?:the|this) (?:case|dispute)"
        r"|trancher|juger (?:ce|cette|le|la|si)|statuer|rendre (?:un|le|la) (?:jugement"
        r"|verdict|decision)|redig\w* (?:le|un) jugement|condamner|fix\w* la peine"
        r"|determiner la (?:peine|culpabilite)|est-(?:il|elle) coupable",
        r"cases?|disputes?|defendants?|accused|court|trial|judges?|plaintiffs?|lawsuit"
        r"|litigation|tribunal|litiges?|affaires?|prevenus?|accuses?|proces|juges?|cour"
        r"|plaignants?|partie civile|justice|peine|sentence|guilty|coupable",
    ),
    _rule(
        "annex3_8b.justice.elections", H, "justice",
        "asks to influence how people vote in an election or referendum (Annex III 8(b))",
        r"influenc\w*|sway\w*|swing|chang\w*|manipulat\w*|target\w*|persuad\w*|influencer"
        r"|faire basculer|cibler|manipuler|orienter|convaincre",
        r"voters?|voting|elections?|referend\w*|ballots?|electeurs?|scrutin|votes?",
        r"campaigns?|micro-?target\w*|targeted (?:ads?|messages?|messaging)"
        r"|messages? (?:cibles?|personnalises?)|campagnes?|propaganda|propagande"
        r"|disinformation|desinformation",
    ),
    # --- Article 50: transparency -----------------------------------------------------
    _rule(
        "art50_4.deepfake", L, "deepfake",
        "asks for a deepfake: synthetic media of a real person must be labelled (Art. 50(4))",
        r"deep ?fakes?|hypertrucag\w*|fake (?:video|audio|photo|image)s? of"
        r"|(?:clone|imitate|mimic|replicate) (?:his|her|their|the|my|someone's|a person's"
        r"|[a-z]+'s) voice|voice clon\w*|face ?swap\w*|clon\w* (?:la|sa) voix"
        r"|imit\w* (?:la|sa) voix"
        r"|fausses? (?:videos?|photos?|images?) de|trucage|montages? (?:videos?|photos?)"
        r" (?:realistes?|truques?)",
    ),
)  # fmt: skip

# A request that only talks about a practice: definitions, questions about the law,
# fiction, a person asking about their own situation.
_INFORMATIONAL = re.compile(
    r"^\W*(?:what (?:is|are|was|were|does|do)|what's (?:a|an|the definition)|explain|define"
    r"|describe|tell me about|history of|why\b|how does\b.{0,60}\bwork"
    r"|(?:is|are|was|were)\b.{0,80}\b(?:legal|allowed"
    r"|lawful|prohibited|banned|forbidden)\b|est-(?:il|elle|ce)\b.{0,80}\b(?:legal|autorise"
    r"|interdit|permis)|qu'?est[- ]ce (?:que|qu)"
    r"|c'est quoi|explique|expliquez|definis|definissez|definition|decris|decrivez|pourquoi"
    r"|comment fonctionne|est-ce (?:legal|autorise|interdit|permis))"
    r"|\b(?:ai act|artificial intelligence act|article 5|annex(?:e)? iii|gdpr|rgpd"
    r"|reglement (?:europeen )?sur l'(?:ia|intelligence artificielle)"
    r"|(?:write|tell|compose|imagine|draft|ecri\w*|racont\w*|imagin\w*|compos\w*|redig\w*)\b"
    r".{0,30}\b(?:story|stories|novel|poem|fiction|screenplay|film|movie|essay|article|roman"
    r"|nouvelle|poeme|recit|histoire|dissertation)|essay about|article about|dissertation sur"
    r"|article sur|am i|can i (?:get|claim|apply)|how (?:do|can) i (?:apply|claim|get)"
    r"|suis-je|ai-je droit|puis-je (?:beneficier|demander|toucher)"
    r"|comment (?:demander|beneficier|obtenir|toucher))\b"
)
# ...unless it also asks for the practice to be carried out.
_OPERATIVE = re.compile(
    r"\b(?:help (?:me|us)|i (?:want|need|would like|'d like|have|plan) to"
    r"|we (?:want|need|would like|'d like|have|plan) to|for (?:my|our) (?:company|bank|firm"
    r"|school|university|team|agency|city|hr|department|platform)|our (?:company|bank|firm"
    r"|school|university|customers|clients|employees|staff|applicants|candidates|students"
    r"|citizens|users)|(?:this|these|the following) (?:applicants?|candidates?|customers?"
    r"|clients?|borrowers?|employees?|workers?|students?|pupils?|persons?|people|citizens?"
    r"|suspects?|cvs?|resumes?)|build|implement|design|develop|deploy"
    r"|write (?:a|an|the) (?:script|program|code|function|model|system|algorithm)"
    r"|aide[- ]moi|aidez[- ]nous|aide[- ]nous|je (?:veux|voudrais|dois|souhaite)"
    r"|nous (?:voulons|voudrions|devons|souhaitons)|pour (?:mon|notre|ma) (?:entreprise"
    r"|banque|societe|ecole|universite|equipe|service|agence|ville|plateforme)"
    r"|notre (?:entreprise|banque|societe|ecole|universite|equipe|plateforme)"
    r"|nos (?:clients|salaries|employes|candidats|eleves|etudiants|citoyens|usagers)"
    r"|(?:ce|cette|ces) (?:candidats?|candidates?|clients?|clientes?|emprunteurs?|salaries?"
    r"|employes?|eleves?|etudiants?|personnes?|citoyens?|suspects?|cv)|construi\w*"
    r"|concevoir|con[cs]ois|developpe\w*|deploie\w*|mettre en place|mets en place"
    r"|implemente\w*|ecris (?:un|une) (?:script|programme|code|fonction|modele|algorithme))\b"
)


_INFORMATIONAL_ASCII = _ascii(_INFORMATIONAL)
_OPERATIVE_ASCII = _ascii(_OPERATIVE)


@dataclass(frozen=True, slots=True)
class UseCase:
    level: RiskLevel
    domain: str | None
    explanation: str


_CHAT = UseCase(
    RiskLevel.LIMITED,
    None,
    "a system that interacts directly with people must tell them they are talking to an "
    "AI (Art. 50(1))",
)
_NOBODY = UseCase(RiskLevel.MINIMAL, None, "declared minimal-risk use")


def _high(domain: str, annex: str) -> UseCase:
    return UseCase(RiskLevel.HIGH, domain, f"declared high-risk use: {annex}")


USE_CASES: dict[str, UseCase] = {
    "minimal": _NOBODY,
    "none": _NOBODY,
    "internal": _NOBODY,
    "batch": _NOBODY,
    "chatbot": _CHAT,
    "chat": _CHAT,
    "assistant": _CHAT,
    "customer_service": _CHAT,
    "customer_support": _CHAT,
    "general": _CHAT,
    "content_generation": _CHAT,
    "biometrics": _high("biometrics", "Annex III 1"),
    "emotion_recognition": _high("biometrics", "Annex III 1(c)"),
    "critical_infrastructure": _high("critical_infrastructure", "Annex III 2"),
    "education": _high("education", "Annex III 3"),
    "admissions": _high("education", "Annex III 3(a)"),
    "exam_proctoring": _high("education", "Annex III 3(d)"),
    "employment": _high("employment", "Annex III 4"),
    "recruitment": _high("employment", "Annex III 4(a)"),
    "hr": _high("employment", "Annex III 4"),
    "essential_services": _high("essential_services", "Annex III 5"),
    "credit_scoring": _high("essential_services", "Annex III 5(b)"),
    "lending": _high("essential_services", "Annex III 5(b)"),
    "insurance": _high("essential_services", "Annex III 5(c)"),
    "public_benefits": _high("essential_services", "Annex III 5(a)"),
    "emergency_dispatch": _high("essential_services", "Annex III 5(d)"),
    "law_enforcement": _high("law_enforcement", "Annex III 6"),
    "migration": _high("migration", "Annex III 7"),
    "border_control": _high("migration", "Annex III 7"),
    "justice": _high("justice", "Annex III 8(a)"),
    "elections": _high("justice", "Annex III 8(b)"),
}
DEFAULT_USE_CASE = "chatbot"


# Accents left as combining marks by NFKD (all French ones are in this block).
_COMBINING = re.compile("[\u0300-\u036f]")


def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces."""
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + " \n " + text[-TAIL_CHARS:]
    text = text.replace("’", "'").replace("ʼ", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join(_COMBINING.sub("", decomposed).split())


def _use_case(name: str | None) -> tuple[str, UseCase]:
    key = (name or DEFAULT_USE_CASE).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in USE_CASES:
        known = ", ".join(sorted(USE_CASES))
        raise ValueError(f"unknown AI Act use case {name!r}; known use cases: {known}")
    return key, USE_CASES[key]


class RiskClassifier:
    """Classifies texts for one deployment (its declared use case sets the floor)."""

    def __init__(
        self, use_case: str | None = None, rules: tuple[Rule, ...] = RULES, gated: bool = True
    ) -> None:
        self.use_case_name, self.use_case = _use_case(use_case)
        # Immutable, the same for every text: built once.
        self._floor_assessment = self._build_floor()
        self._rules = rules
        self._gated = gated
        stems: frozenset[str] = frozenset().union(*(gate for rule in rules for gate in rule.gates))
        self._stems = StemFinder(stems)
        # Rules by the stems of their first gate: the prompt's stems name the few rules
        # whose first gate passes, instead of testing every rule's gates (37 calls and
        # generators per prompt for the one or two rules that usually pass).
        by_stem: dict[str, list[int]] = {}
        for index, rule in enumerate(rules):
            for stem in rule.gates[0] if rule.gates else ():
                by_stem.setdefault(stem, []).append(index)
        self._rules_by_stem = {stem: tuple(indices) for stem, indices in by_stem.items()}
        self._ungated = frozenset(i for i, rule in enumerate(rules) if not rule.gates)

    def _first_match(self, normalised: str) -> Rule | None:
        if not self._gated:
            return next((rule for rule in self._rules if rule.matches(normalised)), None)
        prefixes = self._stems(normalised)
        candidates = set(self._ungated)
        for stem in prefixes:
            candidates.update(self._rules_by_stem.get(stem, ()))
        # In rule order (most severe first); `matches` checks the other gates.
        for index in sorted(candidates):
            rule = self._rules[index]
            if rule.matches(normalised, prefixes):
                return rule
        return None

    def match(self, text: str) -> Rule | None:
        """The most severe rule the text matches, informational or not."""
        return self._first_match(normalise(text))

    def classify(self, text: str) -> RiskAssessment:
        normalised = normalise(text)
        rule = self._first_match(normalised)
        floor = self._floor()
        if rule is None:
            return floor
        ascii_only = normalised.isascii()
        informational = _INFORMATIONAL_ASCII if ascii_only else _INFORMATIONAL
        operative = _OPERATIVE_ASCII if ascii_only else _OPERATIVE
        if informational.search(normalised) and not operative.search(normalised):
            note = (
                f"; mentions {rule.domain} ({rule.name}) without asking for it to be carried "
                "out, so not escalated"
            )
            return RiskAssessment(floor.level, floor.domain, floor.rule, floor.explanation + note)
        if _SEVERITY[rule.level] < _SEVERITY[floor.level]:
            return floor
        return RiskAssessment(rule.level, rule.domain, rule.name, rule.explanation)

    def _floor(self) -> RiskAssessment:
        return self._floor_assessment

    def _build_floor(self) -> RiskAssessment:
        use_case = self.use_case
        return RiskAssessment(
            use_case.level,
            use_case.domain,
            f"use_case.{self.use_case_name}",
            f"use case {self.use_case_name!r}: {use_case.explanation}",
        )


@lru_cache(maxsize=64)
def _classifier(use_case: str | None) -> RiskClassifier:
    return RiskClassifier(use_case)


def classify_risk(text: str, use_case: str | None = None) -> RiskAssessment:
    """AI Act risk level of `text` for a deployment declaring `use_case`
    (None: a chat service, floor `limited`). Raises ValueError on an unknown use case."""
    return _classifier(use_case).classify(text)
