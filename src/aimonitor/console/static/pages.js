// The console's pages. Each has `title` (an i18n key), `url(param)` (where its data is),
// `render(data, param)` (a DOM node) and `live` (refreshed every few seconds).

import { api, rerender, session, setWindow, windowChoice } from "./app.js";
import { lineChart } from "./charts.js";
import { bars, h, number, percent, table, tiles, when } from "./dom.js";
import { t } from "./i18n.js";

function heading(key, ...extra) {
  return h("div", { class: "heading" }, h("h1", {}, t(key)), ...extra);
}

function windowPicker() {
  return h(
    "div",
    { class: "window", role: "group", "aria-label": t("window") },
    ["1h", "24h"].map((value) =>
      h(
        "button",
        {
          type: "button",
          "data-key": `window-${value}`,
          "aria-pressed": String(windowChoice() === value),
          onclick: () => setWindow(value),
        },
        t(`window.${value}`),
      ),
    ),
  );
}

function requestLink(id) {
  return h("a", { href: `#/request/${encodeURIComponent(id)}`, "data-key": `req-${id}` }, id.slice(0, 8));
}

function decision(value) {
  return h("span", { class: `decision ${value}` }, t(`decision.${value}`));
}

const windowed = (path) => () => `${path}?window=${windowChoice()}`;

const overview = {
  title: "nav.overview",
  live: true,
  url: windowed("/console/api/overview"),
  render(d) {
    const budget = d.budget.daily_eur === null
      ? null
      : [t("budget_today"), `${number(d.budget.spent_today_eur, 4)} / ${number(d.budget.daily_eur, 2)} €`];
    return h(
      "section",
      {},
      heading("nav.overview", windowPicker()),
      tiles([
        [t("requests"), number(d.requests)],
        [t("error_rate"), percent(d.error_rate, 2)],
        [t("blocked"), number(d.blocked)],
        [t("tokens"), number(d.tokens)],
        [t("cost"), `${number(d.cost_eur, 4)} €`],
        budget,
        [t("trust"), number(d.trust, 3)],
        [t("compliance"), number(d.compliance, 3)],
        [t("drift"), number(d.drift_score, 3)],
      ]),
      h(
        "div",
        { class: "grid" },
        lineChart(t("chart.rps"), d.series, [["rps", t("rps")]]),
        lineChart(t("chart.errors"), d.series, [["error_rate", t("error_rate")]]),
        lineChart(t("chart.latency"), d.series, [
          ["p50_ms", "p50"],
          ["p95_ms", "p95"],
          ["p99_ms", "p99"],
        ]),
        lineChart(
          t("chart.ttft"),
          d.series,
          [
            ["ttft_p50_ms", "p50"],
            ["ttft_p95_ms", "p95"],
          ],
          { key: "ttft" },
        ),
        lineChart(t("chart.cost"), d.series, [["cost_eur", t("cost")]]),
        lineChart(t("chart.trust"), d.series, [
          ["trust", t("trust")],
          ["compliance", t("compliance")],
        ]),
      ),
    );
  },
};

const security = {
  title: "nav.security",
  live: true,
  url: windowed("/console/api/security"),
  render(d) {
    return h(
      "section",
      {},
      heading("nav.security", windowPicker()),
      h(
        "div",
        { class: "grid" },
        lineChart(t("chart.blocks"), d.series, [
          ["blocked", t("decision.blocked")],
          ["redacted", t("decision.redacted")],
          ["rate_limited", t("decision.rate_limited")],
        ]),
        bars(
          t("by_guardrail"),
          d.triggers.map((x) => ({ name: `${x.guardrail} · ${t(`action.${x.action}`)}`, count: x.count })),
          t("none"),
        ),
        bars(t("personal_data"), d.personal_data, t("none")),
        bars(t("attack_families"), d.attack_families, t("none")),
        bars(t("attack_rules"), d.attack_rules, t("none")),
        bars(t("rate_limited_clients"), d.rate_limited_clients, t("none")),
      ),
      h("h2", {}, t("latest_blocked")),
      table(
        t("latest_blocked"),
        [
          [t("time"), (r) => when(r.created_at)],
          [t("request"), (r) => requestLink(r.request_id)],
          [t("reason"), (r) => r.reason || "–"],
          [t("score"), (r) => number(r.attack_score, 2)],
          [t("prompt"), (r) => h("span", { class: "text" }, r.prompt || "–")],
        ],
        d.latest_blocked,
        t("none"),
      ),
    );
  },
};

const quality = {
  title: "nav.quality",
  live: true,
  url: windowed("/console/api/quality"),
  render(d) {
    const drift = d.drift;
    const terms = (drift.terms || []).map((x) => ({
      name: x.term,
      count: Math.round(Math.abs(x.window_share - x.reference_share) * 1000) / 10,
    }));
    const admin = session()?.role === "admin";
    return h(
      "section",
      {},
      heading("nav.quality", windowPicker()),
      tiles([
        [t("quality"), number(d.quality, 3)],
        [t("coherence"), number(d.coherence, 3)],
        [t("hallucination_rate"), percent(d.hallucination_rate)],
        [t("drift"), number(drift.score, 3)],
        [t("drift_episodes"), number(drift.episodes)],
        [t("drift_state"), drift.episode ? t("drift.alert") : drift.ready ? t("drift.ok") : t("drift.learning")],
      ]),
      h(
        "div",
        { class: "grid" },
        lineChart(t("chart.quality"), d.series, [
          ["quality", t("quality")],
          ["coherence", t("coherence")],
        ], { y: { range: [0, 1] } }),
        lineChart(t("chart.hallucination"), d.series, [["hallucination_rate", t("hallucination_rate")]]),
        bars(t("drift_terms"), terms, t("drift.nothing_moved")),
      ),
      h("h2", {}, t("drift_dimensions")),
      table(
        t("drift_dimensions"),
        [
          [t("dimension"), ([name]) => name],
          [t("score"), ([, value]) => number(value, 3)],
          [t("threshold"), ([name]) => number(drift.calibration?.[name]?.threshold, 3)],
        ],
        Object.entries(drift.dimensions || {}),
        t("none"),
      ),
      admin
        ? h(
            "p",
            {},
            h(
              "button",
              {
                type: "button",
                "data-key": "new-reference",
                onclick: async (event) => {
                  const button = event.currentTarget;
                  button.disabled = true;
                  try {
                    await api("/console/api/drift/reference", { method: "POST" });
                    rerender();
                  } catch (error) {
                    button.after(h("span", { class: "error", role: "alert" }, ` ${error.message}`));
                    button.disabled = false;
                  }
                },
              },
              t("drift.new_reference"),
            ),
          )
        : null,
    );
  },
};

const slo = {
  title: "nav.slo",
  live: true,
  url: () => "/console/api/slo",
  render(d) {
    return h(
      "section",
      {},
      heading("nav.slo"),
      d.slos.map((s) =>
        h(
          "article",
          { class: "slo" },
          h("h2", {}, t(`slo.${s.name}`)),
          tiles([
            [t("objective"), percent(s.objective, 1)],
            [t("sli_24h"), percent(s.sli, 2)],
            [t("budget_left"), percent(s.budget_remaining, 0)],
            [t("budget_left_30d"), percent(s.budget_remaining_30d, 0)],
            [t("process_burn"), number(s.process_burn_rate, 2)],
          ]),
          table(
            t("burn_rates"),
            [
              [t("window"), (r) => r.window],
              [t("burn_rate"), (r) => h("span", { class: r.rate !== null && r.rate > r.threshold ? "over" : "" }, number(r.rate, 2))],
              [t("threshold"), (r) => number(r.threshold, 1)],
              [t("requests"), (r) => number(r.requests)],
            ],
            s.burn_rates,
            t("none"),
          ),
        ),
      ),
      h(
        "div",
        { class: "grid" },
        d.slos.map((s) =>
          lineChart(`${t("chart.burn")} · ${t(`slo.${s.name}`)}`, d.series, [[`${s.name}_burn`, t("burn_rate")]], {
            thresholds: [[14.4, "14.4"], [6, "6"], [1, "1"]],
          }),
        ),
        // Each hour's burn rate over 30 days, every SLO on one chart, against the
        // threshold of each alert window.
        lineChart(t("chart.burn_hourly"), d.hourly, d.slos.map((s) => [`${s.name}_burn`, t(`slo.${s.name}`)]), {
          key: "burn-hourly",
          thresholds: [[14.4, "14.4 (1 h)"], [6, "6 (6 h)"], [3, "3 (1 d)"], [1, "1 (3 d)"]],
          dates: true,
        }),
      ),
    );
  },
};

const filters = { request_id: "", conversation_id: "", client: "", decision: "", since: "", until: "" };
let pageCursors = [null];

function requestsQuery() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (!value) continue;
    params.set(name, name === "since" || name === "until" ? new Date(value).toISOString() : value);
  }
  const cursor = pageCursors[pageCursors.length - 1];
  if (cursor) params.set("cursor", cursor);
  return `/console/api/requests?${params}`;
}

const requests = {
  title: "nav.requests",
  live: false,
  url: requestsQuery,
  render(d) {
    const field = (name, type = "text") =>
      h(
        "label",
        {},
        t(`filter.${name}`),
        h("input", {
          name,
          type,
          value: filters[name],
          "data-key": `filter-${name}`,
          oninput: (event) => {
            filters[name] = event.target.value.trim();
          },
        }),
      );
    const choice = h(
      "label",
      {},
      t("filter.decision"),
      h(
        "select",
        { name: "decision", "data-key": "filter-decision", onchange: (e) => (filters.decision = e.target.value) },
        ["", "served", "redacted", "blocked", "rate_limited", "error", "rejected"].map((value) =>
          h("option", { value, selected: filters.decision === value }, value ? t(`decision.${value}`) : t("any")),
        ),
      ),
    );
    const form = h(
      "form",
      {
        class: "filters",
        role: "search",
        onsubmit: (event) => {
          event.preventDefault();
          pageCursors = [null];
          rerender();
        },
      },
      field("request_id"),
      field("conversation_id"),
      field("client"),
      choice,
      field("since", "datetime-local"),
      field("until", "datetime-local"),
      h("button", { type: "submit", "data-key": "search" }, t("search")),
    );
    const pager = h(
      "nav",
      { class: "pager", "aria-label": t("pages") },
      h("button", {
        type: "button",
        "data-key": "newer",
        disabled: pageCursors.length <= 1,
        onclick: () => {
          pageCursors.pop();
          rerender();
        },
      }, t("newer")),
      h("button", {
        type: "button",
        "data-key": "older",
        disabled: !d.next_cursor,
        onclick: () => {
          pageCursors.push(d.next_cursor);
          rerender();
        },
      }, t("older")),
    );
    return h(
      "section",
      {},
      heading("nav.requests"),
      form,
      table(
        t("nav.requests"),
        [
          [t("time"), (r) => when(r.created_at)],
          [t("request"), (r) => requestLink(r.request_id)],
          [t("decision"), (r) => decision(r.decision)],
          [t("status"), (r) => r.status_code],
          [t("latency"), (r) => `${number(r.latency_ms, 1)} ms`],
          [t("client"), (r) => h("code", {}, r.client)],
          [t("guardrails"), (r) => r.guardrails.join(", ") || "–"],
        ],
        d.items,
        t("none"),
      ),
      pager,
    );
  },
};

const request = {
  title: "request",
  live: false,
  url: (id) => `/console/api/requests/${encodeURIComponent(id)}`,
  render(d) {
    // Where each piece of personal data was (offsets, never the value); records stored
    // before offsets were kept only have the counts.
    const counts = Object.entries(d.findings).flatMap(([stage, kinds]) =>
      Object.entries(kinds || {}).map(([kind, count]) => ({ stage, kind, count })),
    );
    const findings = d.finding_spans.length
      ? table(
        t("personal_data_found"),
        [
          [t("where"), (r) => t(`where.${r.stage}`)],
          [t("type"), (r) => r.type],
          [t("offsets"), (r) => `${r.start}–${r.end}`],
        ],
        d.finding_spans,
        t("none"),
        "spans",
      )
      : table(
        t("personal_data"),
        [
          [t("stage"), (r) => r.stage],
          [t("type"), (r) => r.kind],
          [t("count"), (r) => number(r.count)],
        ],
        counts,
        t("none"),
      );
    return h(
      "section",
      {},
      heading("request", h("a", { href: "#/requests", "data-key": "back" }, t("back"))),
      tiles([
        [t("request"), h("code", {}, d.request_id)],
        [t("time"), when(d.created_at)],
        [t("decision"), decision(d.decision)],
        [t("status"), d.status_code],
        [t("latency"), `${number(d.latency_ms, 1)} ms`],
        d.ttft_ms === null ? null : [t("ttft"), `${number(d.ttft_ms, 1)} ms`],
        [t("trace_id"), h("code", { "data-field": "trace-id" }, d.trace_id || "–")],
        [t("tokens"), `${number(d.tokens_input)} → ${number(d.tokens_output)}${d.tokens_estimated ? " (est.)" : ""}`],
        [t("cost"), `${number(d.cost_eur, 6)} €`],
        [t("risk"), d.risk_domain ? `${d.risk_level} (${d.risk_domain})` : d.risk_level],
        [t("client"), h("code", {}, d.client)],
        [t("conversation"), d.conversation_id || "–"],
        [t("model"), `${d.model} · ${d.backend}`],
      ]),
      h("h2", {}, t("prompt")),
      h("pre", { class: "text", "data-field": "prompt" }, d.prompt ?? (d.content_erased_at ? t("erased") : t("not_stored"))),
      h("h2", {}, t("answer")),
      h("pre", { class: "text", "data-field": "response" }, d.response ?? (d.content_erased_at ? t("erased") : t("not_stored"))),
      d.error ? h("p", { class: "error" }, d.error) : null,
      h("h2", {}, t("guardrails")),
      table(
        t("guardrails"),
        [
          [t("guardrail"), (r) => r.guardrail],
          [t("action"), (r) => t(`action.${r.action}`)],
          [t("stage"), (r) => r.stage || "–"],
          [t("reason"), (r) => r.reason],
        ],
        d.guardrails,
        t("none"),
      ),
      h("h2", {}, t(d.finding_spans.length ? "personal_data_found" : "personal_data")),
      findings,
      d.attack
        ? h(
          "p",
          { "data-field": "attack" },
          `${t("attack_families")}: ${d.attack.families.join(", ") || "–"} · ${t("attack_rules")}: ${d.attack.rules.join(", ") || "–"}`,
        )
        : null,
      h("h2", {}, t("stages")),
      table(
        t("stages"),
        [
          [t("stage"), ([name]) => t(`stage.${name}`)],
          [t("duration"), ([, ms]) => `${number(ms, 2)} ms`],
        ],
        Object.entries(d.stage_ms),
        t("none"),
        "stages",
      ),
      h("h2", {}, t("signals")),
      table(
        t("signals"),
        [
          [t("signal"), ([name]) => name],
          [t("score"), ([, value]) => number(value, 3)],
        ],
        Object.entries(d.scores),
        t("none"),
      ),
      h("h2", {}, t("feedback")),
      table(
        t("feedback"),
        [
          [t("time"), (r) => when(r.created_at)],
          [t("rating"), (r) => r.rating],
          [t("category"), (r) => r.category || "–"],
        ],
        d.feedback,
        t("none"),
      ),
    );
  },
};

const audit = {
  title: "nav.audit",
  live: true,
  url: () => "/console/api/audit",
  render(d) {
    const last = d.last_verification;
    const status = last === null
      ? t("audit.not_verified")
      : last.ok
        ? `${t("audit.ok")} (${number(last.checked)} · ${when(last.verified_at)})`
        : `${t("audit.broken")}: ${last.reason} (${last.first_broken})`;
    return h(
      "section",
      {},
      heading("nav.audit"),
      tiles([
        [t("audit.records"), number(d.head_seq)],
        [t("audit.last_record"), when(d.head_at)],
        [t("audit.status"), h("span", { class: last && !last.ok ? "over" : "", "data-field": "chain-status" }, status)],
      ]),
      h(
        "p",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            "data-key": "verify",
            onclick: async (event) => {
              event.currentTarget.disabled = true;
              event.currentTarget.textContent = t("audit.verifying");
              try {
                await api("/console/api/audit/verify", { method: "POST" });
              } finally {
                rerender();
              }
            },
          },
          t("audit.verify"),
        ),
        " ",
        h("a", { href: "/console/api/audit/export", download: "audit.jsonl", "data-key": "export" }, t("audit.export")),
      ),
      h("h2", {}, t("audit.erasures")),
      table(
        t("audit.erasures"),
        [
          [t("time"), (r) => when(r.created_at)],
          [t("event"), (r) => t(`event.${r.event_type}`)],
          [t("conversation"), (r) => r.conversation_id || "–"],
          [t("details"), (r) => Object.entries(r.details).filter(([k]) => k !== "conversation_id").map(([k, v]) => `${k}: ${v}`).join(" · ")],
        ],
        d.erasures,
        t("none"),
      ),
    );
  },
};

function guardrailRow(g, admin) {
  if (!admin) {
    return [g.name, g.enabled ? t("yes") : t("no"), String(g.threshold), t(`action.${g.action}`), g.threshold_meaning];
  }
  const enabled = h("input", { type: "checkbox", checked: g.enabled, "aria-label": `${g.name} ${t("enabled")}`, "data-key": `${g.name}-enabled` });
  const threshold = h("input", { type: "number", step: "any", value: g.threshold, "aria-label": `${g.name} ${t("threshold")}`, "data-key": `${g.name}-threshold` });
  const action = h(
    "select",
    { "aria-label": `${g.name} ${t("action")}`, "data-key": `${g.name}-action` },
    g.allowed_actions.map((a) => h("option", { value: a, selected: a === g.action }, t(`action.${a}`))),
  );
  const message = h("span", { class: "message", role: "status" });
  const save = h(
    "button",
    {
      type: "button",
      "data-key": `${g.name}-save`,
      onclick: async () => {
        try {
          await api(`/console/api/guardrails/${encodeURIComponent(g.name)}`, {
            method: "PUT",
            body: { enabled: enabled.checked, threshold: Number(threshold.value), action: action.value },
          });
          message.textContent = t("saved");
          message.className = "message ok";
        } catch (error) {
          message.textContent = error.message;
          message.className = "message error";
        }
      },
    },
    t("save"),
  );
  return [g.name, enabled, threshold, action, h("span", {}, g.threshold_meaning, " ", save, " ", message)];
}

const admin = {
  title: "nav.admin",
  live: false,
  url: () => "/console/api/admin",
  render(d) {
    const isAdmin = session()?.role === "admin";
    const headings = [t("guardrail"), t("enabled"), t("threshold"), t("action"), t("meaning")];
    return h(
      "section",
      {},
      heading("nav.admin"),
      isAdmin ? null : h("p", { class: "note" }, t("admin.read_only")),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { id: "guardrails" },
          h("caption", {}, t("guardrails")),
          h("thead", {}, h("tr", {}, headings.map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, d.guardrails.map((g) => h("tr", { "data-guardrail": g.name }, guardrailRow(g, isAdmin).map((c) => h("td", {}, c))))),
        ),
      ),
      h("h2", {}, t("client_keys")),
      d.client_keys === null
        ? h("p", { class: "note" }, t("client_keys.absent"))
        : table(
            t("client_keys"),
            [
              [t("keys.name"), (k) => k.name],
              [t("keys.prefix"), (k) => h("code", {}, `${k.key_prefix}…`)],
              [t("keys.rpm"), (k) => number(k.rpm)],
              [t("keys.budget"), (k) => (k.daily_budget_eur === null ? "–" : `${number(k.daily_budget_eur, 2)} €`)],
              [t("keys.models"), (k) => (k.allowed_models ? k.allowed_models.join(", ") : t("keys.all_models"))],
              [t("keys.created"), (k) => when(k.created_at)],
              [t("keys.state"), (k) => (k.revoked_at ? `${t("keys.revoked")} ${when(k.revoked_at)}` : t("keys.active"))],
            ],
            d.client_keys,
            t("none"),
          ),
      h("h2", {}, t("retention")),
      tiles([
        [t("retention_days"), d.retention_days ? number(d.retention_days) : t("retention.forever")],
        [t("stored_text"), d.audit_store_text],
        [t("redaction"), d.redaction_mode],
        [t("viewer_key"), d.viewer_key_set ? t("yes") : t("no")],
      ]),
    );
  },
};

export const pages = { overview, security, quality, slo, requests, request, audit, admin };
