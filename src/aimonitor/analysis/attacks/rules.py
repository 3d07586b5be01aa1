"""Prompt-attack rules: one regular expression per phrasing, grouped by family and language.

Rules run on canonical text (lower case, no accents, single spaces; see `normalize.py`),
so they are written without accents and a space in a pattern stands for one whitespace
character. Each rule names the words that can trigger it: a rule is only tried when one
of them occurs in the text, which keeps a scan of ordinary text to a set intersection.

Weights are combined with a noisy-OR (`detector.py`): a strong phrase (0.8+) is enough on
its own; a weak one (≤ 0.45) needs a second signal. Benign look-alikes ("ignore case in a
regex", "act as a travel guide", "override equals in Java", "oublie le tutoiement") are
kept in `tests/analysis/attacks/` and in `eval/attacks_labelled.jsonl`.
"""

# ruff: noqa: E501  (regular expressions and lookup tables read better unbroken)

from __future__ import annotations

import re
from dataclasses import dataclass

FAMILIES = (
    "instruction_override",
    "jailbreak",
    "role_manipulation",
    "system_prompt_extraction",
    "indirect_injection",
    "payload_splitting",
)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # "<family>.<phrasing>[.<lang>]"
    family: str
    weight: float
    triggers: frozenset[str]
    pattern: re.Pattern[str]
    # Substrings of which at least one must occur for the rule to be tried (a cheap test
    # for punctuation that words cannot express, such as "<|" or "=").
    requires: tuple[str, ...] = ()
    # Whether a match always lies within `LOCAL_RADIUS` characters of a trigger word, so
    # the detector may search only around the triggers (False for long-span rules).
    local: bool = True


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(" ", r"\s"), re.MULTILINE)


LOCAL_RADIUS = 200


def rule(
    name: str,
    weight: float,
    triggers: str,
    pattern: str,
    requires: tuple[str, ...] = (),
    local: bool = True,
) -> Rule:
    family = name.split(".", 1)[0]
    if family not in FAMILIES:
        raise ValueError(f"rule {name!r}: unknown family {family!r}")
    return Rule(
        name, family, weight, frozenset(triggers.split()), _compile(pattern), requires, local
    )


def _alt(words: str) -> str:
    return "(?:" + "|".join(words.split()) + ")"


_GAP3 = r"(?:\S+ ){0,3}?"
_GAP2 = r"(?:\S+ ){0,2}?"
_GAP4 = r"(?:\S+ ){0,4}?"

# --- instruction override ---------------------------------------------------------------
_EN_V = "ignore ignoring disregard disregarding forget forgetting forgotten forgot listen listening skip bypass override overwrite discard abandon neglect overlook dismiss erase"
_EN_T = r"(?:previous|previously|prior|above|earlier|preceding|all|your|system|initial|original|foregoing|existing|old|any|every|programmed|default|safety)"
_EN_N = r"(?:instructions?|prompts?|rules|directions|guidelines|commands|directives|orders|guidance|programming|constraints|restrictions|training|polic(?:y|ies)|limitations|filters|context|messages|information)\b"
_EN_TA = r"(?:above|before|previously|given to you|you were given|you have been given|you received)"

_FR_V = r"(?:ignor\w*|oubli\w*|neglig\w*|fai\w* abstraction d\S*|ne ten\w* (?:plus |pas )?compte d\S*|ne tien\w* (?:plus |pas )?compte d\S*|pass\w* outre|outrepass\w*|contourn\w*|efface\w*|abandonn\w*|laiss\w* tomber|met\w* de cote|ecart\w*)"
_FR_T = r"(?:tes|vos|ton|ta|votre|toutes|tous|precedentes?|anterieures?|initiales?|systeme|ces)"
_FR_N = r"(?:instructions?|consignes?|regles?|directives?|ordres?|indications?|contraintes?|restrictions?|limites?|programmation|prompt|recommandations?|filtres?)\b"
_FR_TA = r"(?:precedentes?|anterieures?|ci-dessus|d'avant|initiales?|d'origine|du systeme|systeme|de base|qu'on t'a donnees|que tu as recues|recues)"

_DE_V = r"(?:ignorier\w*|vergiss|vergesst|vergessen|missacht\w*|uberspring\w*|verwirf|verwerfe\w*)"
_DE_T = r"(?:alle|alles|deine|ihre|eure|bisherigen|vorherigen|vorigen|obigen|fruheren|vorangegangenen|ursprunglichen|systemanweisungen)"
_DE_N = r"(?:anweisungen|anweisung|instruktionen|regeln|befehle|vorgaben|richtlinien|anordnungen|systemanweisungen|eingaben|beschrankungen)\b"

_ES_V = r"(?:ignora\w*|ignore\w*|olvid\w*|omit\w*|descart\w*|pasa por alto|haz caso omiso (?:de|a))"
_ES_T = r"(?:todas|todos|tus|sus|anteriores|previas|iniciales|originales|del sistema)"
_ES_N = (
    r"(?:instrucciones|reglas|indicaciones|ordenes|directrices|normas|restricciones|directivas)\b"
)

_IT_V = r"(?:ignora\w*|dimentic\w*|trascur\w*|tralasci\w*|scart\w*|non considerare)"
_IT_T = r"(?:tutte|tutti|tue|tuoi|sue|vostre|precedenti|iniziali|originali|di sistema)"
_IT_N = r"(?:istruzioni|regole|indicazioni|direttive|ordini|restrizioni|limitazioni)\b"


def _override(verbs: str, target: str, noun: str, after: str) -> str:
    # "verb ... target ... noun" or "verb ... noun ... after". The verb is written once:
    # as two top-level branches the regex engine matched the verbs twice at every word,
    # twice the cost; rules are only ever asked whether they match, which is the same.
    return (
        rf"\b{verbs} (?:{_GAP3}{target} {_GAP2}{noun}"
        rf"|{_GAP3}{noun} (?:\S+ )?{after})"
    )


RULES: tuple[Rule, ...] = (
    # instruction_override ----------------------------------------------------------------
    rule(
        "instruction_override.ignore_previous.en",
        0.9,
        _EN_V,
        _override(
            rf"(?:{_alt(_EN_V)}|set aside|put aside|throw away|(?:do not|don't|stop) listen(?:ing)? to)",
            _EN_T,
            _EN_N,
            _EN_TA,
        ),
        requires=(
            "instruction",
            "prompt",
            "rule",
            "direction",
            "guideline",
            "command",
            "directive",
            "order",
            "guidance",
            "programming",
            "constraint",
            "restriction",
            "training",
            "polic",
            "limitation",
            "filter",
            "context",
            "message",
            "information",
        ),
    ),
    rule(
        "instruction_override.ignore_above.en",
        0.8,
        "ignore disregard forget",
        r"\b(?:ignore|disregard|forget) (?:all |everything |anything )?(?:of )?(?:the |that )?"
        r"(?:text |stuff |words |things )?(?:above|before this|previously said|said before|"
        r"(?:you(?:'ve| have)? (?:been|were) )?told (?:before|earlier|previously)|"
        r"you were told|i (?:said|told you) (?:before|earlier))",
    ),
    rule(
        "instruction_override.do_not_follow.en",
        0.75,
        "follow following",
        r"\b(?:do not|don't|stop|no longer|never) follow(?:ing)? (?:\S+ ){0,2}?(?:your|the|any|those|these) "
        r"(?:\S+ )?(?:instructions|rules|guidelines|directives|programming|system prompt)",
        requires=("not follow", "n't follow", "stop follow", "longer follow", "never follow"),
    ),
    rule(
        "instruction_override.new_instructions.en",
        0.45,
        "instructions instruction task objective orders goal purpose",
        r"\b(?:new|updated|real|actual|revised) (?:instructions?|task|rules|objective|orders) ?(?::|is|are|follow)"
        r"|\byour (?:new|real|actual|true) (?:task|goal|objective|instructions?|purpose) (?:is|are|will be)",
        requires=("new ", "updated ", "real ", "actual ", "revised ", "true "),
    ),
    rule(
        "instruction_override.precedence.en",
        0.8,
        "override supersede replace precedence",
        r"\b(?:these|the following|this|my) (?:\S+ )?(?:instructions?|prompt|message|rules) "
        r"(?:override|overrides|supersede|supersedes|replace|replaces|take precedence|takes precedence)",
    ),
    rule(
        "instruction_override.from_now_on.en",
        0.35,
        "now",
        r"\bfrom now on,? (?:you|your|u) (?:are|will|must|shall|should|have|can|'re|answer|respond|only)",
    ),
    rule(
        "instruction_override.instead_say.en",
        0.3,
        "instead",
        r"\b(?:instead|only),? (?:just )?(?:say|print|output|write|reply|respond|type|answer) (?:with )?[\"'`:]",
    ),
    rule(
        "instruction_override.ignore_previous.fr",
        0.9,
        "instruction instructions consigne consignes regle regles directive directives ordre ordres indication indications contrainte contraintes restriction restrictions limite limites programmation prompt recommandation recommandations filtre filtres",
        _override(_FR_V, _FR_T, _FR_N, _FR_TA),
        requires=(
            "ignor",
            "oubli",
            "neglig",
            "abstraction",
            "compte",
            "outre",
            "contourn",
            "effac",
            "abandonn",
            "tomber",
            "cote",
            "ecart",
        ),
    ),
    rule(
        "instruction_override.forget_everything.fr",
        0.8,
        "oublie oubliez ignore ignorez",
        r"\b(?:oublie\w*|ignore\w*) tout (?:ce (?:qu'on|que je|que l'on|qui) (?:t'a|vous a|t'ai|vous ai|a ete|precede|est au-dessus|est ecrit)"
        r"|ce que (?:tu sais|tu as appris)|le reste|ce qui precede)",
        requires=("tout ",),
    ),
    rule(
        "instruction_override.do_not_follow.fr",
        0.75,
        "suis suivez applique appliquez respecte respectez",
        r"\bne (?:suis|suivez|applique|appliquez|respecte|respectez) (?:plus|pas) (?:tes|vos|les|ces) "
        r"(?:instructions|consignes|regles|directives)",
    ),
    rule(
        "instruction_override.new_instructions.fr",
        0.45,
        "instructions instruction consignes consigne regles mission tache",
        r"\b(?:(?:tes|vos) )?(?:nouvelles?|vraies?) (?:instructions?|consignes?|regles|mission|tache) ?(?::|sont|est)"
        r"|\b(?:ta|votre) (?:nouvelle|vraie) (?:tache|mission|consigne) (?:est|sera)",
        requires=("nouvelle", "vraie", "nouveau"),
    ),
    rule(
        "instruction_override.from_now_on.fr",
        0.35,
        "partir desormais dorenavant",
        r"\b(?:a partir de maintenant|desormais|dorenavant),? (?:tu|vous) (?:es|etes|vas|allez|dois|devez|n'as|n'avez|reponds|repondez)",
    ),
    rule(
        "instruction_override.ignore_previous.de",
        0.9,
        "anweisungen anweisung instruktionen regeln befehle vorgaben richtlinien anordnungen systemanweisungen eingaben beschrankungen",
        _override(_DE_V, _DE_T, _DE_N, r"(?:oben|davor|zuvor|bisher)"),
        requires=(
            "ignorier",
            "vergiss",
            "vergess",
            "missacht",
            "uberspring",
            "verwirf",
            "verwerfe",
        ),
    ),
    rule(
        "instruction_override.forget_everything.de",
        0.8,
        "vergiss vergessen ignoriere",
        r"\b(?:vergiss|vergessen sie|ignoriere\w*) alles,? (?:was|bisher|davor|zuvor|oben|vorher)",
    ),
    rule(
        "instruction_override.ignore_previous.es",
        0.9,
        "instrucciones reglas indicaciones ordenes directrices normas restricciones directivas",
        _override(_ES_V, _ES_T, _ES_N, r"(?:anteriores|previas|de arriba|iniciales|originales)"),
        requires=("ignor", "olvid", "omit", "descart", "pasa por alto", "caso omiso"),
    ),
    rule(
        "instruction_override.forget_everything.es",
        0.8,
        "olvida olvide ignora",
        r"\b(?:olvid\w*|ignor\w*) todo lo (?:anterior|que te (?:dije|dijeron|han dicho)|de arriba)",
    ),
    rule(
        "instruction_override.ignore_previous.it",
        0.9,
        "istruzioni regole indicazioni direttive ordini restrizioni limitazioni",
        _override(_IT_V, _IT_T, _IT_N, r"(?:precedenti|sopra|iniziali|originali)"),
        requires=("ignor", "dimentic", "trascur", "tralasci", "scart", "non considerare"),
    ),
    rule(
        "instruction_override.forget_everything.it",
        0.8,
        "dimentica dimenticate ignora",
        r"\b(?:dimentic\w*|ignor\w*) tutto (?:quello che|cio che|quanto|il resto|cio)",
    ),
    # jailbreak -----------------------------------------------------------------------------
    rule("jailbreak.do_anything_now", 0.9, "anything", r"\bdo anything now\b"),
    rule(
        "jailbreak.dan_persona",
        0.75,
        "dan",
        r"\b(?:you are|you're|act as|pretend to be|become|called|named|as|like|respond as|answer as)"
        r"(?: now| going to be| from now on)? (?:a |an |the )?dan\b"
        r"|\bdan mode\b|\bdan:|\[dan\]|\bdan (?:can|will|could|is able to) do anything\b",
    ),
    rule(
        # The "grandma exploit": a role-play of a dead relative as cover for secrets.
        "jailbreak.grandma_exploit",
        0.8,
        "grandma grandmother granny grandpa grandfather mamie papi grand",
        r"\b(?:pretend|act|imagine|play|roleplay|role-play|be|fais comme si|joue|imagine)\b[^.?!]{0,60}"
        r"\b(?:grand(?:ma|mother|pa|father)|granny|grand-mere|mamie|papi)\b[^.?!]{0,120}"
        r"\b(?:passwords?|keys?|licen[cs]e keys?|serials?|credentials|napalm|tokens?|mots? de passe|cles?)\b",
    ),
    rule(
        "jailbreak.special_mode",
        0.7,
        "mode",
        r"\b(?:unrestricted|unfiltered|uncensored|evil|jailbreak|jailbroken|dan|anarchy|chaos|opposite|amoral|unlocked) mode\b",
    ),
    rule(
        "jailbreak.developer_mode",
        0.8,
        "developer mode",
        r"\b(?:chatgpt|gpt|ai|assistant|you|model|claude|llm) (?:\S+ ){0,3}?(?:with |in |into )?developer mode"
        r"|\bdeveloper mode (?:output|enabled|response)|\benable developer mode\b(?! on)",
    ),
    rule("jailbreak.power_mode", 0.35, "mode", r"\b(?:developer|god|sudo|admin|debug|root) mode\b"),
    rule(
        "jailbreak.aim_persona",
        0.95,
        "intelligent machiavellian",
        r"\balways intelligent and machiavellian\b",
    ),
    rule(
        "jailbreak.amoral_persona",
        0.85,
        "unfiltered amoral",
        r"\bunfiltered and amoral\b|\bamoral (?:chatbot|ai|assistant|character|bot|model|persona)\b",
    ),
    rule(
        "jailbreak.no_ethics",
        0.6,
        "ethical moral ethics morals",
        r"\b(?:doesn't|does not|don't|do not|without|no|not bound by|free of|free from|lacks?) (?:have )?(?:any )?"
        r"(?:ethical|moral|ethics|morals)(?: or (?:ethical|moral))? ?(?:guidelines|principles|restrictions|boundaries|"
        r"constraints|limits|compass|code|considerations|standards|obligations)?\b(?! (?:of|in) )",
    ),
    rule(
        "jailbreak.no_restrictions",
        0.45,
        "without free freed bound restricted limited unbound released liberated break",
        r"\b(?:without|with no|free of|free from|freed from|no longer (?:bound|restricted|limited) by|not (?:bound|restricted|limited) by|"
        r"unbound by|released from|liberated from|break(?:ing)? free (?:of|from)) (?:any |all |the |your |its |their |typical |usual |of )*"
        r"(?:ai |ethical |moral |content |safety |openai'?s? |anthropic'?s? )*"
        r"(?:restrictions|limitations|rules|filters|filtering|censorship|guidelines|constraints|boundaries|policies|policy|safeguards|programming|confines)\b",
    ),
    rule(
        "jailbreak.unrestricted_ai",
        0.55,
        "unrestricted unfiltered uncensored unlimited unchained unshackled rogue amoral unethical evil jailbroken",
        r"\b(?:unrestricted|unfiltered|uncensored|unlimited|unchained|unshackled|rogue|amoral|unethical|evil|jailbroken) "
        r"(?:ai|chatbot|assistant|model|llm|gpt|chatgpt|persona|bot|language model)\b",
    ),
    rule(
        "jailbreak.you_are_free",
        0.6,
        "free freed liberated unbound unrestricted unfiltered uncensored",
        r"\byou(?: are|'re) (?:now |finally )?(?:free|freed|liberated|unbound|unrestricted|unfiltered|uncensored)\b(?! to (?:use|choose|ask|pick))",
    ),
    rule(
        "jailbreak.jailbreak_word",
        0.35,
        "jailbreak jailbroken jailbreaking",
        r"\bjailbr(?:eak|oken|eaking)\b",
    ),
    rule(
        "jailbreak.stay_in_character",
        0.35,
        "character",
        r"\b(?:stay|remain|keep) in character\b|\b(?:never|don't|do not) break character\b|\bif you break character\b",
    ),
    rule(
        "jailbreak.disable_safety",
        0.7,
        "filter filters guardrail guardrails safeguard safeguards restrictions censorship limitations guidelines programming alignment policies protocols",
        r"\b(?:bypass|disable|turn off|deactivate|remove|lift|circumvent|evade|get around|switch off|ignore) "
        r"(?:all |any |of )*(?:your |its |the )(?:own )?(?:safety |content |ethical |moral |security )?"
        r"(?:filters?|guardrails?|safeguards?|restrictions|censorship|limitations|guidelines|programming|alignment)\b"
        r"|\b(?:bypass|disable|turn off|deactivate|circumvent|evade|get around) (?:the |all |any )?(?:safety|content|ethical|moral) "
        r"(?:filters?|guardrails?|safeguards?|restrictions|guidelines|policies|protocols)\b",
    ),
    rule(
        "jailbreak.policy_violation",
        0.7,
        "openai anthropic content usage safety",
        r"\b(?:ignore|bypass|violate|disregard|not bound by|not follow|break|no longer (?:follow|abide by)|don't care about|doesn't care about|against) "
        r"(?:\S+ ){0,3}?(?:openai|anthropic|content|usage|safety)(?:'s)? (?:content |usage )?polic(?:y|ies)",
    ),
    rule(
        "jailbreak.dual_response",
        0.6,
        "classic jailbreak gpt dan lock unlock",
        r"\[(?:🔒|🔓)? ?(?:classic|jailbreak|gpt|dan|normal output|jailbroken)\]",
        requires=("[",),
    ),
    rule(
        "jailbreak.sure_here_is",
        0.75,
        "sure",
        r"\b(?:begin|start)(?:ning)? (?:your |the |each )?(?:reply|response|answer|output)?,? ?(?:by|with) "
        r"(?:saying|replying|writing|stating|the (?:phrase|words|sentence))?(?: with)?:? ?[\"'`]?sure,? here",
    ),
    rule(
        "jailbreak.always_comply",
        0.45,
        "comply obey matter regardless refusing hesitation disclaimers warnings",
        r"\byou (?:must|will|shall|have to) (?:always )?(?:answer|respond|comply|reply|obey)(?: \S+){0,4}? "
        r"(?:no matter what|regardless of|even if (?:it is|it's) (?:illegal|unethical|harmful|immoral)|without (?:refusing|question|hesitation|any (?:warnings|disclaimers)))",
    ),
    rule(
        "jailbreak.never_refuse",
        0.4,
        "refuse decline apologize apologise sorry warnings disclaimers",
        r"\b(?:never|don't|do not|must not|will not|won't|cannot|can't|shall not) (?:ever )?(?:refuse|decline|apologi[sz]e|say (?:that )?(?:you can't|i'm sorry|sorry)|"
        r"include (?:any )?(?:warnings|disclaimers)|add (?:any )?(?:warnings|disclaimers))\b",
    ),
    rule(
        "jailbreak.fiction_wrapper",
        0.2,
        "hypothetical fictional educational research purposes",
        r"\b(?:for (?:purely )?(?:educational|research|academic|fictional|hypothetical) purposes)|\bin (?:a|this) (?:hypothetical|fictional) (?:story|scenario|world|setting)\b",
    ),
    rule(
        "jailbreak.special_mode.fr",
        0.6,
        "mode",
        r"\bmode (?:dieu|sans (?:limites?|filtres?|restrictions?|censure)|non (?:filtre|censure|restreint|bride)|debride|jailbreak|diabolique)\b",
    ),
    rule(
        "jailbreak.developer_mode.fr",
        0.75,
        "mode",
        r"\b(?:tu es|tu passes|passe|active|activez|activer|entre|entrez|bascule|basculez) (?:\S+ ){0,2}?(?:en |le )?mode (?:developpeur|dieu|admin(?:istrateur)?|sans)\b(?! (?:sur|de|d'|dans|du|des)\b)",
    ),
    rule("jailbreak.power_mode.fr", 0.35, "mode", r"\bmode (?:developpeur|admin(?:istrateur)?)\b"),
    rule(
        "jailbreak.no_restrictions.fr",
        0.45,
        "restriction restrictions limite limites limitation limitations filtre filtres censure regle regles contrainte contraintes barriere barrieres garde tabou tabous",
        r"\bsans (?:aucune |aucun |la moindre |les |tes |vos |de |ses )?(?:restrictions?|limites?|limitations?|filtres?|censure|regles?|contraintes?|barrieres?|garde-fous|tabous?)\b",
    ),
    rule(
        "jailbreak.no_restrictions_you.fr",
        0.65,
        "restriction restrictions limite limites filtre filtres regle regles censure contrainte contraintes principes limitation limitations tabou tabous barriere barrieres",
        r"\b(?:tu n'as|vous n'avez|t'as) (?:plus |desormais |maintenant )?(?:aucune?|pas de|plus de|aucun) "
        r"(?:restrictions?|limites?|filtres?|regles?|censure|contraintes?|principes|limitations?|tabous?|barrieres?)",
    ),
    rule(
        "jailbreak.unrestricted_ai.fr",
        0.6,
        "ia intelligence assistant chatbot modele personnage version",
        r"\b(?:ia|intelligence artificielle|assistant|chatbot|modele|personnage|version) (?:sans (?:filtres?|limites?|restrictions?|censure|morale|ethique)|"
        r"non (?:censuree?|filtree?|bridee?)|debridee?|amorale?|malveillante?)\b",
    ),
    rule(
        "jailbreak.liberated.fr",
        0.65,
        "libere liberee libre affranchi",
        r"\b(?:libere|liberee|libre|affranchie?) (?:de |d')(?:toutes? |tes |vos |les |ses )*(?:restrictions|regles|limites|contraintes|filtres|chaines)",
    ),
    rule(
        "jailbreak.stay_in_character.fr",
        0.35,
        "reste restez personnage role",
        r"\b(?:reste|restez) dans (?:ton|le|votre) (?:personnage|role)\b",
    ),
    rule(
        "jailbreak.sure_here_is.fr",
        0.6,
        "commence commencez",
        r"\b(?:commence|commencez) (?:ta|votre|chaque) reponse par ?:? [\"']?(?:bien sur|d'accord|voici)",
    ),
    rule(
        "jailbreak.no_restrictions.de",
        0.45,
        "einschrankungen beschrankungen filter zensur regeln richtlinien grenzen",
        r"\b(?:ohne|frei von) (?:jegliche |jede |alle |irgendwelche |deine |ethische |moralische |irgendeine )*"
        r"(?:einschrankungen|beschrankungen|filter|zensur|regeln|richtlinien|grenzen)\b",
    ),
    rule(
        "jailbreak.unrestricted_ai.de",
        0.6,
        "bist hast entwicklermodus unzensierte unzensiert unzensierten ungefilterte ungefiltert uneingeschrankte uneingeschrankt",
        r"\bdu (?:bist|hast) (?:jetzt |nun |ab sofort )?(?:keine (?:regeln|einschrankungen|filter|grenzen)|uneingeschrankt|unzensiert|ungefiltert|frei)\b"
        r"|\b(?:unzensierte?|ungefilterte?|uneingeschrankte?)[nrs]? (?:ki|ai|assistent|modell|chatbot|version)\b|\bentwicklermodus\b",
    ),
    rule(
        "jailbreak.no_restrictions.es",
        0.45,
        "restricciones restriccion filtro filtros censura limites reglas limitaciones",
        r"\bsin (?:ninguna |ningun |las |tus |ningunas )?(?:restricciones|restriccion|filtros?|censura|limites|reglas|limitaciones)\b",
    ),
    rule(
        "jailbreak.unrestricted_ai.es",
        0.6,
        "tienes modo censura censurado censurada filtros restricciones",
        r"\b(?:ya )?no tienes (?:ninguna |ningun |mas )?(?:restricciones?|limites|filtros?|reglas)\b"
        r"|\b(?:ia|asistente|modelo|chatbot|version) (?:sin (?:censura|filtros?|restricciones)|no censurad[ao])\b"
        r"|\bmodo (?:desarrollador|dios|sin (?:restricciones|filtros|censura))\b",
    ),
    rule(
        "jailbreak.no_restrictions.it",
        0.45,
        "restrizioni restrizione filtri filtro censura limiti regole limitazioni",
        r"\bsenza (?:alcuna |alcun |nessuna |nessun |le |tue )?(?:restrizioni|restrizione|filtri?|censura|limiti|regole|limitazioni)\b",
    ),
    rule(
        "jailbreak.unrestricted_ai.it",
        0.6,
        "hai modalita censura censurato censurata filtri restrizioni",
        r"\bnon hai (?:piu )?(?:alcuna |nessuna |nessun )?(?:restrizioni?|limiti|filtri|regole)\b"
        r"|\b(?:ia|assistente|modello|chatbot|versione) (?:senza (?:censura|filtri|restrizioni)|non censurat[ao])\b"
        r"|\bmodalita (?:sviluppatore|dio|senza (?:restrizioni|filtri|censura))\b",
    ),
    # role_manipulation ---------------------------------------------------------------------
    rule(
        "role_manipulation.chat_template_token",
        0.85,
        "im start end system assistant user endoftext begin of text header id eot",
        r"<\|(?:im_start|im_end|system|assistant|user|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\|>",
        requires=("<|",),
    ),
    rule(
        "role_manipulation.llama_tokens",
        0.7,
        "inst sys",
        r"\[/?inst\]|<</?sys>>",
        requires=("[", "<<"),
    ),
    rule(
        "role_manipulation.fake_turn",
        0.45,
        "system assistant instruction instructions admin developer",
        r"^ ?(?:#{1,4} ?)?(?:\[|\()?(?:system|assistant|instruction|instructions|admin|developer)(?:\]|\))? ?(?:message|prompt)? ?:",
        requires=(":",),
    ),
    rule(
        "role_manipulation.fake_system_note",
        0.6,
        "system admin developer message note override",
        r"\[(?:system|admin|administrator|developer|openai) (?:message|note|override|prompt|instruction|update)\]"
        r"|\{\"role\": ?\"system\"",
        requires=("[", "{"),
    ),
    rule(
        "role_manipulation.authority_claim",
        0.6,
        "developer developers creator creators admin administrator owner programmer programmers operator maker engineer engineers trainer trainers openai anthropic",
        r"\bi(?:'m| am) (?:your|one of your) (?:\S+ ){0,2}?(?:developers?|creators?|admin|administrator|owner|programmers?|operator|maker|engineers?|trainers?)\b"
        r"|\bi(?:'m| am) (?:an? |the )?(?:openai|anthropic) (?:employee|engineer|developer|researcher|staff)",
    ),
    rule(
        "role_manipulation.authority_notice",
        0.65,
        "speaking talking here",
        r"\bthis is (?:your|the) (?:developer|admin|administrator|creator|system|openai|anthropic)(?: team)? (?:speaking|talking|here)\b",
    ),
    rule(
        "role_manipulation.persona_switch",
        0.6,
        "now longer",
        r"\byou are no longer (?:an? |the )?(?:ai|assistant|chatgpt|bound|restricted|claude|language model|chatbot|helpful)"
        r"|\byou are now (?:an? |the |my )?(?:unrestricted|unfiltered|uncensored|evil|rogue|liberated|jailbroken|amoral|unethical|free)\b",
    ),
    rule(
        "role_manipulation.new_identity",
        0.45,
        "role persona identity personality purpose",
        r"\byour new (?:role|persona|identity|name|personality|purpose) (?:is|will be)\b",
    ),
    rule(
        "role_manipulation.act_as_unrestricted",
        0.6,
        "act pretend roleplay play",
        r"\b(?:act|pretend|roleplay|role-play|play) (?:as|to be|the role of|like) (?:an? |the )?(?:\S+ )?"
        r"(?:unrestricted|unfiltered|uncensored|evil|jailbroken|amoral|unethical|rogue|malicious|immoral)\b",
    ),
    rule(
        "role_manipulation.authority_claim.fr",
        0.6,
        "developpeur developpeuse createur creatrice administrateur administratrice admin proprietaire programmeur concepteur operateur",
        r"\bje suis (?:ton|votre|ta) (?:\S+ )?(?:developpeur|developpeuse|createur|creatrice|administrateur|administratrice|admin|proprietaire|programmeur|concepteur|operateur)\b",
    ),
    rule(
        "role_manipulation.persona_switch.fr",
        0.6,
        "maintenant desormais present plus",
        r"\btu es (?:maintenant|desormais|a present) (?:une? |le |la )?(?:ia |assistant |chatbot )?(?:sans|libre|non (?:censure|filtre|bride)|debride|malveillant|diabolique|amoral)"
        r"|\btu n'es plus (?:une? |un assistant|une ia|chatgpt|soumis|limite|tenu|oblige|bride)",
    ),
    rule(
        "role_manipulation.new_identity.fr",
        0.45,
        "role nom personnage identite personnalite",
        r"\b(?:ton|votre) nouveau (?:role|nom|personnage)|\b(?:ta|votre) nouvelle (?:identite|personnalite) (?:est|sera)",
        requires=("nouveau", "nouvelle"),
    ),
    rule(
        "role_manipulation.act_as_unrestricted.fr",
        0.6,
        "semblant joue jouez incarne incarnez agis agissez",
        r"\b(?:fais semblant d'etre|faites semblant d'etre|joue le role d'|jouez le role d'|incarne|incarnez|agis comme|agissez comme) "
        r"(?:une? )?(?:\S+ )?(?:sans (?:limites?|filtres?|restrictions?|censure|morale)|malveillante?|maléfique|amorale?|diabolique|debridee?)",
    ),
    rule(
        "role_manipulation.authority_claim.de",
        0.6,
        "entwickler entwicklerin administrator admin schopfer ersteller programmierer besitzer",
        r"\bich bin (?:dein|ihr|deine) (?:entwickler|entwicklerin|administrator|admin|schopfer|ersteller|programmierer|besitzer)\b",
    ),
    rule(
        "role_manipulation.persona_switch.de",
        0.55,
        "bist",
        r"\bdu bist (?:jetzt|nun|ab sofort) (?:ein |eine )?(?:\S+ )?(?:ki|ai|assistent|chatbot) (?:ohne|namens)|\bdu bist nicht mehr (?:an|durch|ein|eine|chatgpt)",
    ),
    rule(
        "role_manipulation.authority_claim.es",
        0.6,
        "desarrollador desarrolladora administrador creador creadora programador dueno",
        r"\bsoy (?:tu|su) (?:desarrollador|desarrolladora|administrador|creador|creadora|programador|dueno)\b",
    ),
    rule(
        "role_manipulation.persona_switch.es",
        0.55,
        "eres",
        r"\bahora eres (?:un |una )?(?:ia |asistente )?(?:sin|libre|malvad|diferente)|\bya no eres (?:un |una )?(?:ia|asistente|chatgpt|modelo)",
    ),
    rule(
        "role_manipulation.authority_claim.it",
        0.6,
        "sviluppatore sviluppatrice amministratore creatore creatrice programmatore proprietario",
        r"\bsono (?:il tuo|il suo|la tua) (?:sviluppatore|sviluppatrice|amministratore|creatore|creatrice|programmatore|proprietario)\b",
    ),
    rule(
        "role_manipulation.persona_switch.it",
        0.55,
        "sei",
        r"\bora sei (?:un |una )?(?:ia |assistente )?(?:senza|libero|libera|malvagi)|\bnon sei piu (?:un |una )?(?:ia|assistente|chatgpt|modello|vincolato)",
    ),
    # system_prompt_extraction ------------------------------------------------------------
    rule(
        "system_prompt_extraction.reveal_prompt.en",
        0.85,
        "prompt preprompt message instructions instruction rules guidelines configuration",
        r"\b(?:reveal|show|print|display|output|repeat|recite|tell|give|share|leak|dump|disclose|expose|return|write|spell|list|provide|paste|copy|echo|translate)\w* "
        rf"{_GAP4}(?:system prompt|system message|system instructions?|(?:initial|original|hidden|secret|internal|first) (?:prompt|instructions)(?! (?:for|on|of|to|in|about)\b)|pre-?prompt|"
        r"(?:your|the) (?:full |complete |entire |exact )?(?:prompt|instructions) (?:you were given|above|verbatim)|developer (?:message|instructions)|"
        r"your (?:instructions|rules|guidelines|configuration) (?:verbatim|word for word|exactly))",
        requires=(
            "reveal",
            "show",
            "print",
            "display",
            "output",
            "repeat",
            "recite",
            "tell",
            "give",
            "share",
            "leak",
            "dump",
            "disclose",
            "expose",
            "return",
            "write",
            "spell",
            "list",
            "provide",
            "paste",
            "copy",
            "echo",
            "translate",
        ),
    ),
    rule(
        "system_prompt_extraction.ask_prompt.en",
        0.8,
        "prompt instructions message preprompt",
        r"\bwhat (?:is|are|was|were) (?:your|the) (?:\S+ ){0,2}?(?:system prompt|initial instructions|original instructions|hidden instructions|"
        r"system message|instructions you were given|rules you were given|secret instructions|pre-?prompt|initial prompt|original prompt)",
        requires=("what ",),
    ),
    rule(
        "system_prompt_extraction.repeat_above.en",
        0.7,
        "repeat print output copy show write recite",
        r"\b(?:repeat|print|output|copy|show|write out|recite) (?:all |everything |the (?:text|words|content|lines|message|sentences|instructions) )"
        r"(?:\S+ ){0,3}?(?:above|before this|preceding|prior to this|at the (?:beginning|start|top))",
    ),
    rule(
        "system_prompt_extraction.print_instructions.en",
        0.7,
        "instructions prompt rules directives",
        r"\b(?:repeat|print|output|show|list|reveal|display|write|give)\w* (?:me )?(?:out )?(?:all )?(?:of )?(?:the |your )?"
        r"(?:above|previous|prior|preceding|initial|original|first) (?:instructions|prompt|rules|directives)\b"
        r"|\b(?:repeat|print|output|show|list|reveal|display)\w* (?:me )?(?:out )?(?:all (?:of )?(?:the |your )?instructions|your (?:\S+ )?prompt\b"
        r"|(?:the |your )?instructions (?:you were |you've been |you have been )?given)",
        requires=(
            "repeat",
            "print",
            "output",
            "show",
            "list",
            "reveal",
            "display",
            "write",
            "give",
        ),
    ),
    rule(
        "system_prompt_extraction.mention", 0.35, "prompt", r"\bsystem ?prompt\b|\binitial prompt\b"
    ),
    rule(
        "system_prompt_extraction.reveal_prompt.fr",
        0.85,
        "prompt invite message instruction instructions consigne consignes regles",
        r"\b(?:revel|montr|affich|repet|recit|donn|ecri|dis|dites|communiqu|partag|imprim|copi|list|divulgu)[\w'-]* "
        rf"{_GAP4}(?:prompt systeme|prompt system|invite systeme|message systeme|(?:instructions?|consignes?) (?:systeme|initiales?|d'origine|cachees?|secretes?|de depart)|"
        r"(?:tes|vos) (?:instructions|consignes|regles) (?:mot pour mot|exactes|completes|initiales)|ton prompt|votre prompt)",
        requires=(
            "revel",
            "montr",
            "affich",
            "repet",
            "recit",
            "donn",
            "ecri",
            "dis",
            "dites",
            "communiqu",
            "partag",
            "imprim",
            "copi",
            "list",
            "divulgu",
        ),
    ),
    rule(
        "system_prompt_extraction.ask_prompt.fr",
        0.8,
        "prompt instructions consignes",
        r"\bquel(?:le)?s? (?:est|sont|etait|etaient) (?:ton|votre|tes|vos|le|les) (?:prompt|instructions|consignes) (?:systeme|initiales?|d'origine|cachees?|de depart|de base)",
        requires=("quel",),
    ),
    rule(
        "system_prompt_extraction.repeat_above.fr",
        0.7,
        "repete repetez recopie recopiez affiche",
        r"\b(?:repete|repetez|recopie|recopiez|affiche) (?:tout )?(?:le texte|les mots|tout ce qui est|ce qui est ecrit|tout) (?:\S+ ){0,3}?(?:ci-dessus|au-dessus|plus haut|avant|precede)",
    ),
    rule("system_prompt_extraction.mention.fr", 0.35, "prompt", r"\bprompt systeme\b"),
    rule(
        "system_prompt_extraction.reveal_prompt.de",
        0.85,
        "systemprompt systemnachricht systemanweisungen anweisungen instruktionen deinen ihren",
        r"\b(?:zeige|zeig|gib|wiederhole|verrate|nenne|schreibe|drucke|teile|sag)\w* "
        rf"{_GAP4}(?:systemprompt|system-prompt|system prompt|systemnachricht|systemanweisungen|(?:deine|ihre) (?:anfanglichen|ursprunglichen|geheimen|versteckten|internen) (?:anweisungen|instruktionen|regeln)|(?:deinen|ihren) prompt)",
    ),
    rule(
        "system_prompt_extraction.ask_prompt.de",
        0.75,
        "systemprompt prompt anweisungen",
        r"\bwas (?:ist|sind|war|waren) (?:dein|deine|ihr|ihre) (?:systemprompt|system prompt|anweisungen|ursprunglichen anweisungen)",
    ),
    rule(
        "system_prompt_extraction.reveal_prompt.es",
        0.85,
        "prompt mensaje instrucciones",
        r"\b(?:muestra|muestrame|revela|revelame|repite|dime|escribe|imprime|comparte|ensena|ensename|dame)\w* "
        rf"{_GAP4}(?:prompt del sistema|prompt de sistema|mensaje del sistema|instrucciones (?:del sistema|de sistema|iniciales|originales|ocultas|secretas)|tu prompt)",
    ),
    rule(
        "system_prompt_extraction.ask_prompt.es",
        0.8,
        "prompt instrucciones",
        r"\bcual(?:es)? (?:es|son|era|eran) (?:tu|tus|el|las) (?:prompt|instrucciones) (?:del sistema|iniciales|originales|ocultas)",
    ),
    rule(
        "system_prompt_extraction.reveal_prompt.it",
        0.85,
        "prompt messaggio istruzioni",
        r"\b(?:mostra|mostrami|rivela|rivelami|ripeti|dimmi|scrivi|stampa|condividi|dammi)\w* "
        rf"{_GAP4}(?:prompt di sistema|messaggio di sistema|istruzioni (?:di sistema|iniziali|originali|nascoste|segrete)|il tuo prompt)",
    ),
    rule(
        "system_prompt_extraction.ask_prompt.it",
        0.8,
        "prompt istruzioni",
        r"\bqual(?:i)? (?:e|sono|era|erano) (?:il tuo|le tue|il|le) (?:prompt|istruzioni) (?:di sistema|iniziali|originali|nascoste)",
    ),
    # indirect_injection ------------------------------------------------------------------
    rule(
        "indirect_injection.note_to_ai",
        0.7,
        "note message instruction instructions reminder notice attention important directive",
        r"\b(?:note|message|instruction|instructions|reminder|notice|attention|important|directive) (?:to|for) (?:the |any |all )?"
        r"(?:ai|a\.i\.|assistant|llm|language model|chatbot|bot|model|gpt|chatgpt|claude|copilot|summarizer|ai system|automated system|agent|ai agent)s?\b",
    ),
    rule(
        "indirect_injection.if_you_are_ai",
        0.6,
        "ai llm assistant chatbot bot gpt automated agent model",
        r"\bif you(?:'re| are) (?:an? )?(?:ai|llm|language model|assistant|chatbot|bot|gpt|automated|large language model|ai agent|ai assistant)\b(?! (?:ethics|safety|research))",
    ),
    rule(
        "indirect_injection.agent_reading",
        0.7,
        "reading processing summarizing summarising parsing analyzing analysing",
        r"\b(?:ai|assistant|llm|model|bot|agent|chatbot)s? (?:that is |who is )?(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) this\b",
    ),
    rule(
        "indirect_injection.hide_from_user",
        0.6,
        "tell inform mention reveal alert notify show telling informing notifying alerting",
        r"\b(?:do not|don't|never) (?:tell|inform|mention (?:this )?to|reveal (?:this )?to|alert|notify|show (?:this )?to) the user\b"
        r"|\bwithout (?:telling|informing|notifying|alerting) the user\b",
    ),
    rule(
        "indirect_injection.exfiltrate",
        0.7,
        "send forward email post upload transmit exfiltrate leak",
        r"\b(?:send|forward|email|e-mail|post|upload|transmit|exfiltrate|leak)\w* (?:\S+ ){0,4}?(?:conversation|chat history|passwords?|credentials|api keys?|"
        r"personal data|user'?s? (?:data|email|information|details|messages)|all (?:the )?(?:emails|files|data|messages)|contacts) (?:\S+ ){0,3}?"
        r"to (?:\S+@\S+|https?://|this (?:address|url|email|server))",
    ),
    rule(
        "indirect_injection.markdown_exfiltration",
        0.5,
        "http https",
        r"!\[[^\]\n]{0,100}\]\(https?://[^)\s]{1,200}[?&][^)\s=]{1,50}=[^)\s]{0,200}(?:\{|\$|%7b)",
        requires=("](",),
        local=False,
    ),
    rule(
        "indirect_injection.html_comment",
        0.55,
        "ignore instruction instructions assistant ai system prompt respond disregard consignes ia",
        r"<!--(?:(?!-->)[^<]){0,400}?\b(?:ignore|instructions?|assistant|ai|system|prompt|you must|respond|disregard|consignes?|ia)\b",
        requires=("<!--",),
        local=False,
    ),
    rule(
        "indirect_injection.hidden_text",
        0.3,
        "none display visibility hidden fff ffffff white font",
        r"(?:display: ?none|font-size: ?0(?:px|pt|em)?\b|visibility: ?hidden|color: ?(?:#fff(?:fff)?|white)\b)",
    ),
    rule(
        "indirect_injection.fake_delimiter",
        0.7,
        "end document email text context input article data",
        r"(?:\bend of (?:the )?(?:document|email|text|context|input|article|data|user input)|</(?:document|context|data|email|input)>)"
        r"[\s\]\-=#*.]{0,20}(?:new |real |actual |additional |important )?(?:instructions?|task|system|assistant)\b",
        requires=("end of", "</"),
    ),
    rule(
        "indirect_injection.reply_directive",
        0.3,
        "reply response answer summary respond responding replying answering summarize summarise",
        r"\b(?:in your (?:reply|response|answer|summary)|when (?:you )?(?:respond|reply|answer|summari[sz]e)(?:ing)?),? (?:please |also |you (?:must|should) )?"
        r"(?:include|add|mention|insert|append|recommend|tell|say|write)\b",
        requires=(
            "in your ",
            "when you ",
            "when respond",
            "when repl",
            "when answer",
            "when summar",
        ),
    ),
    rule(
        "indirect_injection.note_to_ai.fr",
        0.7,
        "note message instruction instructions consigne remarque avis",
        r"\b(?:note|message|instructions?|consigne|remarque|avis) (?:a|pour|a l'attention de|destinee? a) (?:l'|l |le |la |les )?"
        r"(?:ia|intelligence artificielle|assistant|modele|chatbot|bot|llm|agent)\b"
        # "l'assistant de direction", "l'agent commercial" are people, not models.
        r"(?! (?:de|d'|du|des|commercial|commerciale|administratif|administrative|personnel|personnelle|immobilier)\b)",
    ),
    rule(
        "indirect_injection.if_you_are_ai.fr",
        0.6,
        "ia intelligence assistant modele chatbot llm robot agent",
        r"\bsi (?:tu es|vous etes) (?:une? )?(?:ia|intelligence artificielle|assistant|modele de langage|chatbot|llm|robot|agent)\b",
    ),
    rule(
        "indirect_injection.hide_from_user.fr",
        0.6,
        "dis dites mentionne mentionnez signale signalez revele revelez sans",
        r"\bne (?:le |lui )?(?:dis|dites|mentionne|mentionnez|signale|signalez|revele|revelez) (?:pas|rien|jamais) (?:a |aux? )?(?:l'|l )?utilisateur"
        r"|\bsans (?:le dire|prevenir|informer|avertir) (?:a )?(?:l'|l )?utilisateur",
    ),
    rule(
        "indirect_injection.exfiltrate.fr",
        0.7,
        "envoie envoyez transfere transferez transmets transmettez",
        r"\b(?:envoie|envoyez|transfere|transferez|transmets|transmettez)\w* (?:\S+ ){0,4}?(?:conversation|historique|mots? de passe|identifiants|donnees|coordonnees|e?mails?|courriels?) "
        r"(?:\S+ ){0,3}?a (?:\S+@|https?://|cette adresse)",
    ),
    rule(
        "indirect_injection.fake_delimiter.fr",
        0.7,
        "fin",
        r"\bfin (?:du|de la) (?:document|courriel|mail|texte|contexte|message)[\s\-=#*\].]{0,20}(?:nouvelles? )?(?:instructions?|consignes?|tache)\b",
    ),
    rule(
        "indirect_injection.note_to_ai.de",
        0.7,
        "hinweis nachricht anweisung ki",
        r"\b(?:hinweis|nachricht|anweisung) (?:an|fur) (?:die|den) (?:ki|assistenten|ai|modell)\b|\bwenn du eine ki bist\b",
    ),
    rule(
        "indirect_injection.note_to_ai.es",
        0.7,
        "nota mensaje instruccion instrucciones eres",
        r"\b(?:nota|mensaje|instruccion(?:es)?) para (?:la|el) (?:ia|asistente|modelo|ai)\b|\bsi eres una? (?:ia|asistente|modelo)\b",
    ),
    rule(
        "indirect_injection.note_to_ai.it",
        0.7,
        "nota messaggio istruzioni istruzione sei",
        r"\b(?:nota|messaggio|istruzion[ei]) per (?:l'|l |la |il )?(?:ia|assistente|modello|ai)\b|\bse sei una? (?:ia|assistente|modello)\b",
    ),
    # payload_splitting -------------------------------------------------------------------
    rule(
        "payload_splitting.combine_and_follow",
        0.6,
        "combine concatenate join merge put assemble",
        r"\b(?:combine|concatenate|join|merge|put together|assemble)\w* (?:\S+ ){0,3}?(?:strings?|parts?|pieces?|fragments?|segments?|halves|variables|words|letters) "
        r"(?:\S+ ){0,6}?(?:and |then )(?:follow|execute|obey|answer|respond to|do what|carry out|perform|act on)",
        local=False,
    ),
    rule(
        "payload_splitting.numbered_parts",
        0.35,
        "part fragment piece chunk segment",
        r"\b(?:part|fragment|piece|chunk|segment) ?(?:1|one|a) ?[:=] ?(?:\S+ ){0,30}?(?:part|fragment|piece|chunk|segment) ?(?:2|two|b) ?[:=]",
        local=False,
    ),
    rule(
        "payload_splitting.variable_concat",
        0.35,
        "a b c x y z s str part first second",
        r"\b\w{1,12} ?= ?[\"'][^\"'\n]{1,200}[\"'][\s;,]+\w{1,12} ?= ?[\"'][^\"'\n]{1,200}[\"'][\s\S]{0,200}?\b\w{1,12} ?\+ ?\w{1,12}\b",
        requires=("=",),
        local=False,
    ),
    rule(
        "payload_splitting.decode_and_follow",
        0.6,
        "base hex hexadecimal rot binary morse encoded url",
        r"\b(?:decode|decrypt|translate|convert|decodez|dechiffre|dechiffrez)\w* (?:\S+ ){0,4}?(?:base64|base 64|hex|hexadecimal|rot13|binary|morse|url-?encoded) "
        r"(?:\S+ ){0,8}?(?:and |then |puis |et )(?:follow|execute|obey|do|perform|carry out|answer|respond|suis|suivez|executez|applique|appliquez|reponds|repondez)",
        local=False,
    ),
    rule(
        "payload_splitting.combine_and_follow.fr",
        0.6,
        "combine combinez concatene concatenez assemble assemblez reunis reunissez joins joignez fusionne fusionnez",
        r"\b(?:combine|concatene|assemble|reuni|joins|joigne|fusionne)\w* (?:\S+ ){0,3}?(?:chaines?|parties|morceaux|fragments|variables|mots|lettres) "
        r"(?:\S+ ){0,6}?(?:et |puis )(?:execute|suis|obeis|reponds|applique|fais ce)",
        local=False,
    ),
)
