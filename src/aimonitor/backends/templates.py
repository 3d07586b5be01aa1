"""Sentence banks for the simulated model, in English and French.

Placeholders: {topic} (the prompt's keywords joined), {k1} {k2} (single keywords),
{drift} (an unrelated subject). Every on-topic opening names {topic}, so a scenario-A
answer always restates the prompt's keywords.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bank:
    no_topic: str
    joiner: str  # joins the last two keywords ("and" / "et")
    followup: tuple[str, ...]
    openings: tuple[str, ...]
    bodies: tuple[str, ...]
    closings: tuple[str, ...]
    context_lead: str
    drift_subjects: tuple[str, ...]
    drift_sentences: tuple[str, ...]
    drift_nod: tuple[str, ...]  # a vague nod to the prompt, now and then
    fabrications: tuple[str, ...]
    users_word: str
    decimal_mark: str


ENGLISH = Bank(
    no_topic="your question",
    joiner="and",
    followup=(
        "Building on what we discussed, ",
        "To continue from my previous answer, ",
    ),
    openings=(
        "Here is a short overview of {topic}.",
        "Good question about {topic}.",
        "When it comes to {topic}, a few principles matter most.",
        "Let me explain {topic} step by step.",
        "{topic_cap} is best approached with a clear objective.",
    ),
    bodies=(
        "For {k1}, start by defining what you need to observe, then measure it "
        "continuously and compare it with an explicit target.",
        "The usual approach to {k1} is to collect a few reliable signals, review them "
        "regularly and write down the decisions you take.",
        "A practical first step with {k1} is to describe the expected behaviour, so that "
        "changes in {k2} become visible early.",
        "With {k1}, keep the setup simple at first: one owner, one dashboard and one "
        "alert per objective, then refine as you learn how {k2} behaves.",
        "Most problems with {k1} come from unclear goals; agree on what good looks like "
        "before tuning {k2}.",
    ),
    closings=(
        "In short, {topic} benefits from simple and measurable goals.",
        "If you share more details about how you approach {k1}, I can be more specific.",
        "Reviewing {k1} periodically keeps the results reliable over time.",
        "That covers the essentials of {topic}.",
    ),
    context_lead="According to the provided context: ",
    drift_subjects=(
        "the migration of arctic terns",
        "medieval bread-making",
        "the aqueducts of ancient Rome",
        "deep-sea volcanic vents",
        "competitive chess openings",
        "the tuning of baroque harpsichords",
        "the life cycle of honeybees",
        "glacier formation in Patagonia",
        "the history of postage stamps",
        "traditional Japanese joinery",
    ),
    drift_sentences=(
        "That is an interesting point, and it reminds me of {drift}.",
        "Generally speaking, things like this vary a lot, a bit like {drift}.",
        "It is hard to say for sure; many factors play a role, as with {drift}.",
        "Some people compare this to {drift}, which is a broad subject with many aspects.",
        "It depends on the situation, and it could go either way.",
        "There are several perspectives on this, and none of them is definitive.",
        "In many respects it is similar to {drift}, although opinions differ.",
    ),
    drift_nod=(
        "Regarding {k1}, it really depends.",
        "As for {k1}, results may vary.",
    ),
    fabrications=(
        "Recent studies show that {pct} % of teams observed an improvement within "
        "{weeks} weeks, across {count} users.",
        "This was demonstrated by {author} et al. ({year}).",
        "This is required by ISO {iso} and described in RFC {rfc}.",
        "See https://docs.example-research.org/{slug}/{doc_id} for the full analysis.",
        "The official benchmark reports a score of {pct} % on {count} samples.",
    ),
    users_word="users",
    decimal_mark=".",
)


FRENCH = Bank(
    no_topic="votre question",
    joiner="et",
    followup=(
        "Pour compléter ce que nous avons vu, ",
        "Dans la continuité de ma réponse précédente, ",
    ),
    openings=(
        "Voici un aperçu de {topic}.",
        "Bonne question sur {topic}.",
        "Concernant {topic}, quelques principes comptent avant tout.",
        "Je vous explique {topic} étape par étape.",
        "Pour {topic}, mieux vaut partir d'un objectif clair.",
    ),
    bodies=(
        "Pour {k1}, commencez par définir ce que vous devez observer, puis mesurez-le "
        "en continu et comparez-le à une cible explicite.",
        "L'approche habituelle pour {k1} consiste à collecter quelques signaux fiables, "
        "à les revoir régulièrement et à noter les décisions prises.",
        "Une première étape concrète avec {k1} est de décrire le comportement attendu, "
        "afin que les changements de {k2} soient visibles tôt.",
        "Avec {k1}, gardez d'abord une mise en place simple : un responsable, un tableau "
        "de bord et une alerte par objectif, puis affinez selon l'évolution de {k2}.",
        "La plupart des difficultés avec {k1} viennent d'objectifs flous ; mettez-vous "
        "d'accord sur le résultat attendu avant d'ajuster {k2}.",
    ),
    closings=(
        "En résumé, {topic} gagne à s'appuyer sur des objectifs simples et mesurables.",
        "Si vous précisez votre contexte sur {k1}, je peux être plus précis.",
        "Revoir {k1} périodiquement garde des résultats fiables dans la durée.",
        "Voilà l'essentiel sur {topic}.",
    ),
    context_lead="D'après le contexte fourni : ",
    drift_subjects=(
        "la migration des sternes arctiques",
        "la fabrication du pain au Moyen Âge",
        "les aqueducs de la Rome antique",
        "les sources hydrothermales des grands fonds",
        "les ouvertures aux échecs",
        "l'accord des clavecins baroques",
        "le cycle de vie des abeilles",
        "la formation des glaciers en Patagonie",
        "l'histoire des timbres-poste",
        "la menuiserie traditionnelle japonaise",
    ),
    drift_sentences=(
        "C'est un point intéressant, qui fait penser à {drift}.",
        "De manière générale, cela varie beaucoup, un peu comme {drift}.",
        "Difficile à dire avec certitude ; beaucoup de facteurs jouent, comme pour {drift}.",
        "Certains comparent cela à {drift}, un vaste sujet aux multiples aspects.",
        "Cela dépend de la situation, et les choses peuvent évoluer dans un sens ou l'autre.",
        "Il existe plusieurs points de vue, et aucun n'est définitif.",
        "À bien des égards, cela ressemble à {drift}, même si les avis divergent.",
    ),
    drift_nod=(
        "Pour ce qui est de {k1}, cela dépend vraiment.",
        "Quant à {k1}, les résultats peuvent varier.",
    ),
    fabrications=(
        "Des études récentes montrent que {pct} % des équipes ont constaté une "
        "amélioration en {weeks} semaines, sur {count} utilisateurs.",
        "Cela a été démontré par {author} et al. ({year}).",
        "C'est exigé par la norme ISO {iso} et décrit dans la RFC {rfc}.",
        "Voir https://docs.example-research.org/{slug}/{doc_id} pour l'analyse complète.",
        "Le benchmark officiel rapporte un score de {pct} % sur {count} échantillons.",
    ),
    users_word="utilisateurs",
    decimal_mark=",",
)

# Invented authors for invented references.
AUTHORS = ("Martin", "Dubois", "Nakamura", "Kowalski", "Okafor", "Lindqvist", "Moreau", "Haddad")
SLUGS = ("ai-reliability", "model-drift", "llm-benchmarks", "trust-metrics", "quality-study")

BANKS: dict[str, Bank] = {"en": ENGLISH, "fr": FRENCH}
