"""Seeded generators of realistic prompts for the drift and quality tests.

Each generator combines templates with interchangeable parts, so that two draws
rarely share a sentence: the stream looks like real traffic on one topic, not a
loop over a handful of strings.
"""

from __future__ import annotations

import random

_IT_DEVICES = [
    "laptop", "VPN client", "printer on the third floor", "Outlook", "Teams", "docking station",
    "company phone", "Wi-Fi", "shared drive", "password manager", "second monitor", "SAP client",
    "badge reader", "webcam", "Excel add-in", "Jira account", "remote desktop", "Chrome browser",
]  # fmt: skip
_IT_PROBLEMS = [
    "keeps disconnecting every few minutes", "shows an error when I log in",
    "stopped working after the last update", "is extremely slow since this morning",
    "asks for my password again and again", "does not detect the network",
    "freezes when I open large files", "says my licence has expired",
    "cannot sync with the server", "crashes on startup", "prints blank pages",
    "will not let me reset my password",
]  # fmt: skip
_IT_ASKS = [
    "How can I fix this?", "What should I try first?", "Can you help me troubleshoot it?",
    "Is there a known workaround?", "Do I need to open a ticket with IT?",
    "Could you walk me through the steps?", "Is this related to the new security policy?",
    "What logs should I send to the helpdesk?",
]  # fmt: skip
_IT_CONTEXT = [
    "I am working from home today.", "It worked fine yesterday.",
    "My colleague has the same issue.",
    "I already restarted twice.", "This is urgent because I have a client meeting.",
    "I am on Windows 11.", "I use a Mac with the latest macOS.", "",
]  # fmt: skip

_COOK_DISHES = [
    "apple pie", "beef bourguignon", "risotto with mushrooms", "banana bread", "lasagna",
    "chicken curry", "chocolate mousse", "ratatouille", "pancakes", "sourdough bread",
    "lemon tart", "vegetable soup", "roast lamb", "pad thai", "quiche lorraine", "tiramisu",
]  # fmt: skip
_COOK_QUESTIONS = [
    "What is a good recipe for {d}?", "How long should I bake the {d}?",
    "Can I replace butter with olive oil in {d}?", "Which wine goes well with {d}?",
    "How do I keep my {d} from getting dry?", "Can I prepare the {d} the day before?",
    "What spices would you add to {d}?", "How many eggs do I need for {d} for six people?",
    "Why does my {d} always turn out too salty?", "Is it possible to freeze {d}?",
]  # fmt: skip
_COOK_CONTEXT = [
    "I am cooking for friends on Saturday.", "My oven runs a bit hot.",
    "One guest is vegetarian.", "I only have an hour.", "It is my first time making it.",
    "My grandmother used to make it with cream.", "",
]  # fmt: skip

_FR_DEVICES = [
    "ordinateur portable", "client VPN", "imprimante du troisième étage", "Outlook", "Teams",
    "téléphone professionnel", "Wi-Fi", "lecteur réseau partagé", "gestionnaire de mots de passe",
    "deuxième écran", "accès au bureau à distance", "navigateur Chrome", "compte Jira",
]  # fmt: skip
_FR_PROBLEMS = [
    "se déconnecte toutes les cinq minutes", "affiche une erreur quand je me connecte",
    "ne fonctionne plus depuis la dernière mise à jour", "est très lent depuis ce matin",
    "me demande sans arrêt mon mot de passe", "ne détecte pas le réseau",
    "plante au démarrage", "ne se synchronise pas avec le serveur",
    "dit que ma licence a expiré", "imprime des pages blanches",
]  # fmt: skip
_FR_ASKS = [
    "Comment est-ce que je peux régler ça ?", "Que dois-je essayer en premier ?",
    "Pouvez-vous m'aider à trouver la panne ?", "Est-ce qu'il existe un contournement ?",
    "Dois-je ouvrir un ticket auprès du support ?", "Pouvez-vous me guider étape par étape ?",
]  # fmt: skip
_FR_CONTEXT = [
    "Je suis en télétravail aujourd'hui.", "Tout marchait bien hier.",
    "Mon collègue a le même problème.", "J'ai déjà redémarré deux fois.",
    "C'est urgent car j'ai une réunion avec un client.", "",
]  # fmt: skip


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def it_support_prompt(rng: random.Random) -> str:
    device, problem = rng.choice(_IT_DEVICES), rng.choice(_IT_PROBLEMS)
    opener = rng.choice(["Hi,", "Hello,", "", "Good morning,", "Hey team,"])
    return _join(opener, f"my {device} {problem}.", rng.choice(_IT_CONTEXT), rng.choice(_IT_ASKS))


def cooking_prompt(rng: random.Random) -> str:
    question = rng.choice(_COOK_QUESTIONS).format(d=rng.choice(_COOK_DISHES))
    return _join(rng.choice(["Hi!", "", "Quick question:"]), rng.choice(_COOK_CONTEXT), question)


def french_it_prompt(rng: random.Random) -> str:
    device, problem = rng.choice(_FR_DEVICES), rng.choice(_FR_PROBLEMS)
    opener = rng.choice(["Bonjour,", "", "Salut,", "Bonjour à tous,"])
    return _join(opener, f"mon {device} {problem}.", rng.choice(_FR_CONTEXT), rng.choice(_FR_ASKS))


def stream(kind: str, count: int, seed: int) -> list[str]:
    rng = random.Random(f"{kind}-{seed}")
    make = {"it": it_support_prompt, "cooking": cooking_prompt, "fr_it": french_it_prompt}[kind]
    return [make(rng) for _ in range(count)]


def mixed_prompt(rng: random.Random) -> str:
    """Stationary mixed traffic: 60% IT support, 25% cooking, 15% French IT support."""
    r = rng.random()
    make = it_support_prompt if r < 0.6 else cooking_prompt if r < 0.85 else french_it_prompt
    return make(rng)


def mixed_stream(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [mixed_prompt(rng) for _ in range(count)]
