// English and French labels. The language choice (not personal data) is the only
// thing the console keeps in the browser.

const LABELS = {
  en: {
    skip: "Skip to content", logout: "Log out", error: "Error", loading: "Loading…", window: "Time window",
    "window.1h": "Last hour", "window.24h": "Last 24 h",
    "nav.overview": "Overview", "nav.security": "Security", "nav.quality": "Quality & drift",
    "nav.slo": "SLOs", "nav.requests": "Requests", "nav.audit": "Audit", "nav.admin": "Admin",
    "login.title": "Sign in", "login.key": "Key", "login.submit": "Sign in",
    "login.help": "Enter the viewer key (read only) or the admin key. The key is sent once; the browser then holds a session cookie, never the key.",
    "login.invalid": "This key is not valid.",
    requests: "Requests", request: "Request", error_rate: "Error rate", blocked: "Blocked",
    tokens: "Tokens", cost: "Cost", budget_today: "Budget today", trust: "Trust index",
    compliance: "Compliance", drift: "Drift score", rps: "requests/s",
    "chart.rps": "Requests per second", "chart.errors": "Error rate",
    "chart.latency": "Latency (ms)", "chart.cost": "Cost per minute (EUR)",
    "chart.trust": "Trust and compliance", "chart.blocks": "Blocks, redactions, rate limits per minute",
    "chart.quality": "Quality and coherence", "chart.hallucination": "Hallucination rate",
    "chart.burn": "Burn rate", by_guardrail: "Decisions by guardrail",
    personal_data: "Personal data by type", attack_families: "Attacks by family",
    rate_limited_clients: "Rate-limited clients", latest_blocked: "Latest blocked requests",
    time: "Time", reason: "Reason", score: "Score", prompt: "Prompt (as stored)", answer: "Answer (as stored)",
    none: "Nothing here yet.", quality: "Quality", coherence: "Coherence",
    hallucination_rate: "Hallucination rate", drift_episodes: "Drift episodes", drift_state: "Drift",
    "drift.alert": "drifting", "drift.ok": "stable", "drift.learning": "learning the reference",
    drift_terms: "Words whose share moved most (points)", "drift.nothing_moved": "No word moved.",
    drift_dimensions: "Drift by dimension", dimension: "Dimension", threshold: "Threshold",
    "drift.new_reference": "Take the latest prompts as the new reference",
    "slo.availability": "Availability", "slo.latency": "Latency", "slo.quality": "Quality",
    objective: "Objective", sli_24h: "SLI (24 h)", budget_left: "Error budget left (24 h)", budget_left_30d: "Error budget left (30 d)",
    process_burn: "Burn rate of this process (1 h)", burn_rates: "Burn rates over the alert windows",
    burn_rate: "Burn rate", "filter.request_id": "Request id", "filter.conversation_id": "Conversation id",
    "filter.client": "Client (pseudonym)", "filter.decision": "Decision", "filter.since": "From",
    "filter.until": "To", any: "any", search: "Search", pages: "Pages", newer: "Newer", older: "Older",
    decision: "Decision", status: "Status", latency: "Latency", client: "Client", guardrails: "Guardrails",
    "decision.served": "served", "decision.redacted": "redacted", "decision.blocked": "blocked",
    "decision.rate_limited": "rate limited", "decision.error": "error", "decision.rejected": "rejected",
    "action.block": "block", "action.redact": "redact", "action.warn": "warn",
    back: "Back to the list", risk: "AI Act risk", conversation: "Conversation", model: "Model",
    erased: "Erased.", not_stored: "Not stored.", guardrail: "Guardrail", action: "Action",
    stage: "Stage", type: "Type", count: "Count", signals: "Signals", signal: "Signal",
    feedback: "Feedback", rating: "Rating", category: "Category",
    "audit.records": "Records in the chain", "audit.last_record": "Last record",
    "audit.status": "Chain", "audit.not_verified": "not verified since start",
    "audit.ok": "intact", "audit.broken": "BROKEN", "audit.verify": "Verify now",
    "audit.verifying": "Verifying…", "audit.export": "Export (JSON lines)",
    "audit.erasures": "Erasures and retention purges", event: "Event", details: "Details",
    "event.erasure": "erasure", "event.retention_purge": "retention purge",
    enabled: "Enabled", meaning: "Threshold means", save: "Save", saved: "Saved.",
    yes: "yes", no: "no", "admin.read_only": "Read only: sign in with the admin key to change guardrails.",
    client_keys: "Client API keys", "client_keys.absent": "Client keys are not enabled on this service.",
    retention: "Retention and privacy", retention_days: "Texts kept for (days)",
    "retention.forever": "no limit", stored_text: "Stored text", redaction: "Redaction",
    viewer_key: "Viewer key set", "keys.name": "Name", "keys.prefix": "Key starts with",
    "keys.rpm": "Requests per minute", "keys.budget": "Daily budget", "keys.models": "Models",
    "keys.all_models": "all", "keys.created": "Created", "keys.state": "State",
    "keys.active": "active", "keys.revoked": "revoked",
    "chart.burn_hourly": "Burn rate per hour, 30 days", "chart.ttft": "Time to first token (ms, streams)", ttft: "Time to first token", trace_id: "Trace id",
    attack_rules: "Attacks by rule", personal_data_found: "Personal data found (where, never the value)", where: "Where", "where.input": "prompt", "where.output": "answer",
    offsets: "Characters", stages: "Time by stage", duration: "Duration",
    "stage.rate_limit": "rate limit", "stage.length": "length check", "stage.history": "conversation history",
    "stage.input_analysis": "input analysis", "stage.input_guardrails": "input guardrails",
    "stage.model": "model", "stage.output_guardrails": "output guardrails", "stage.signals": "signals",
  },
  fr: {
    skip: "Aller au contenu", logout: "Se déconnecter", error: "Erreur", loading: "Chargement…", window: "Période",
    "window.1h": "Dernière heure", "window.24h": "Dernières 24 h",
    "nav.overview": "Vue d'ensemble", "nav.security": "Sécurité", "nav.quality": "Qualité et dérive",
    "nav.slo": "SLO", "nav.requests": "Requêtes", "nav.audit": "Audit", "nav.admin": "Administration",
    "login.title": "Connexion", "login.key": "Clé", "login.submit": "Se connecter",
    "login.help": "Saisissez la clé de lecture ou la clé d'administration. La clé n'est envoyée qu'une fois ; le navigateur garde ensuite un cookie de session, jamais la clé.",
    "login.invalid": "Cette clé n'est pas valide.",
    requests: "Requêtes", request: "Requête", error_rate: "Taux d'erreur", blocked: "Bloquées",
    tokens: "Jetons", cost: "Coût", budget_today: "Budget du jour", trust: "Indice de confiance",
    compliance: "Conformité", drift: "Score de dérive", rps: "requêtes/s",
    "chart.rps": "Requêtes par seconde", "chart.errors": "Taux d'erreur",
    "chart.latency": "Latence (ms)", "chart.cost": "Coût par minute (EUR)",
    "chart.trust": "Confiance et conformité", "chart.blocks": "Blocages, masquages, limitations par minute",
    "chart.quality": "Qualité et cohérence", "chart.hallucination": "Taux d'hallucination",
    "chart.burn": "Taux de consommation", by_guardrail: "Décisions par garde-fou",
    personal_data: "Données personnelles par type", attack_families: "Attaques par famille",
    rate_limited_clients: "Clients limités", latest_blocked: "Dernières requêtes bloquées",
    time: "Heure", reason: "Motif", score: "Score", prompt: "Prompt (tel que stocké)", answer: "Réponse (telle que stockée)",
    none: "Rien pour l'instant.", quality: "Qualité", coherence: "Cohérence",
    hallucination_rate: "Taux d'hallucination", drift_episodes: "Épisodes de dérive", drift_state: "Dérive",
    "drift.alert": "en dérive", "drift.ok": "stable", "drift.learning": "apprentissage de la référence",
    drift_terms: "Mots dont la part a le plus bougé (points)", "drift.nothing_moved": "Aucun mot n'a bougé.",
    drift_dimensions: "Dérive par dimension", dimension: "Dimension", threshold: "Seuil",
    "drift.new_reference": "Prendre les derniers prompts comme nouvelle référence",
    "slo.availability": "Disponibilité", "slo.latency": "Latence", "slo.quality": "Qualité",
    objective: "Objectif", sli_24h: "SLI (24 h)", budget_left: "Budget d'erreur restant (24 h)", budget_left_30d: "Budget d'erreur restant (30 j)",
    process_burn: "Consommation de ce processus (1 h)", burn_rates: "Taux de consommation sur les fenêtres d'alerte",
    burn_rate: "Taux de consommation", "filter.request_id": "Id de requête", "filter.conversation_id": "Id de conversation",
    "filter.client": "Client (pseudonyme)", "filter.decision": "Décision", "filter.since": "Du",
    "filter.until": "Au", any: "toutes", search: "Rechercher", pages: "Pages", newer: "Plus récentes", older: "Plus anciennes",
    decision: "Décision", status: "Statut", latency: "Latence", client: "Client", guardrails: "Garde-fous",
    "decision.served": "servie", "decision.redacted": "masquée", "decision.blocked": "bloquée",
    "decision.rate_limited": "limitée", "decision.error": "erreur", "decision.rejected": "refusée",
    "action.block": "bloquer", "action.redact": "masquer", "action.warn": "signaler",
    back: "Retour à la liste", risk: "Risque AI Act", conversation: "Conversation", model: "Modèle",
    erased: "Effacé.", not_stored: "Non stocké.", guardrail: "Garde-fou", action: "Action",
    stage: "Étape", type: "Type", count: "Nombre", signals: "Signaux", signal: "Signal",
    feedback: "Retours", rating: "Note", category: "Catégorie",
    "audit.records": "Enregistrements de la chaîne", "audit.last_record": "Dernier enregistrement",
    "audit.status": "Chaîne", "audit.not_verified": "non vérifiée depuis le démarrage",
    "audit.ok": "intacte", "audit.broken": "ROMPUE", "audit.verify": "Vérifier maintenant",
    "audit.verifying": "Vérification…", "audit.export": "Exporter (lignes JSON)",
    "audit.erasures": "Effacements et purges de rétention", event: "Événement", details: "Détails",
    "event.erasure": "effacement", "event.retention_purge": "purge de rétention",
    enabled: "Activé", meaning: "Le seuil est", save: "Enregistrer", saved: "Enregistré.",
    yes: "oui", no: "non", "admin.read_only": "Lecture seule : connectez-vous avec la clé d'administration pour modifier les garde-fous.",
    client_keys: "Clés API des clients", "client_keys.absent": "Les clés clients ne sont pas activées sur ce service.",
    retention: "Rétention et confidentialité", retention_days: "Textes conservés (jours)",
    "retention.forever": "sans limite", stored_text: "Texte stocké", redaction: "Masquage",
    viewer_key: "Clé de lecture définie", "keys.name": "Nom", "keys.prefix": "La clé commence par",
    "keys.rpm": "Requêtes par minute", "keys.budget": "Budget quotidien", "keys.models": "Modèles",
    "keys.all_models": "tous", "keys.created": "Créée", "keys.state": "État",
    "keys.active": "active", "keys.revoked": "révoquée",
    "chart.burn_hourly": "Taux de consommation par heure, 30 jours", "chart.ttft": "Délai du premier jeton (ms, flux)", ttft: "Délai du premier jeton", trace_id: "Id de trace",
    attack_rules: "Attaques par règle", personal_data_found: "Données personnelles trouvées (où, jamais la valeur)", where: "Où", "where.input": "prompt", "where.output": "réponse",
    offsets: "Caractères", stages: "Temps par étape", duration: "Durée",
    "stage.rate_limit": "limitation de débit", "stage.length": "contrôle de longueur", "stage.history": "historique de conversation",
    "stage.input_analysis": "analyse de l'entrée", "stage.input_guardrails": "garde-fous d'entrée",
    "stage.model": "modèle", "stage.output_guardrails": "garde-fous de sortie", "stage.signals": "signaux",
  },
};

const STORAGE_KEY = "aimonitor.lang";
let current = localStorage.getItem(STORAGE_KEY) || (navigator.language.startsWith("fr") ? "fr" : "en");

export function lang() {
  return current;
}

export function setLang(value) {
  current = value in LABELS ? value : "en";
  localStorage.setItem(STORAGE_KEY, current);
}

export function t(key) {
  return LABELS[current][key] ?? LABELS.en[key] ?? key;
}

// Labels written in index.html, and the language switch itself.
export function applyStatic() {
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  const other = current === "fr" ? "en" : "fr";
  const button = document.getElementById("lang");
  button.textContent = other.toUpperCase();
  button.setAttribute("aria-label", other === "fr" ? "Français" : "English");
  button.setAttribute("lang", other);
}
