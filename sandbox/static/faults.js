// The faults panel: make the stand-in Slack misbehave (429, 5xx, slow) and watch the calls.

import { h } from "./dom.js";

const METHODS = [
  "chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.update",
  "views.push", "views.publish", "conversations.history", "conversations.open", "users.info",
  "response_url", "*",
];
const KINDS = {
  429: { label: "429 rate limited (Retry-After)", fault: (f) => ({ status: 429, retry_after: f.retryAfter }) },
  500: { label: "500 internal error", fault: () => ({ status: 500 }) },
  503: { label: "503 service unavailable", fault: () => ({ status: 503 }) },
  slow: { label: "Slow answer", fault: (f) => ({ delay: f.delay }) },
  late: { label: "Done, but answered too late", fault: (f) => ({ delay: f.delay, apply_after: true }) },
};

export class FaultsPanel {
  constructor(root, { post, toast }) {
    this.post = post;
    this.toast = toast;
    this.form = {
      method: h("input", { list: "fault-methods", value: "chat.postMessage", "data-testid": "fault-method", class: "fault-input" }),
      kind: h("select", { "data-testid": "fault-kind", class: "fault-input" }, Object.entries(KINDS).map(([k, v]) => h("option", { value: k }, v.label))),
      retryAfter: h("input", { type: "number", min: 1, value: 2, "data-testid": "fault-retry-after", class: "fault-num" }),
      delay: h("input", { type: "number", min: 0.1, step: 0.5, value: 4, "data-testid": "fault-delay", class: "fault-num" }),
      times: h("input", { type: "number", min: 1, value: 1, "data-testid": "fault-times", class: "fault-num" }),
    };
    this.rate = {
      enabled: h("input", { type: "checkbox", "data-testid": "rate-limit" }),
      perSecond: h("input", { type: "number", min: 0.1, step: 0.5, value: 1, class: "fault-num" }),
      burst: h("input", { type: "number", min: 1, value: 3, class: "fault-num" }),
    };
    this.pending = h("ul", { class: "fault-list", "data-testid": "fault-list" });
    this.calls = h("ol", { class: "call-list", "data-testid": "calls" });
    this.count = h("span", { class: "badge", hidden: true });
    this.destinations = h("div", { "data-testid": "destination-faults" }); // filled by outside.js
    for (const input of [this.rate.enabled, this.rate.perSecond, this.rate.burst]) {
      input.addEventListener("change", () => this.sendRateLimit());
    }
    const f = this.form;
    root.replaceChildren(
      h("summary", { class: "faults-summary" }, "Slack faults ", this.count),
      h(
        "div",
        { class: "faults-body" },
        h("datalist", { id: "fault-methods" }, METHODS.map((m) => h("option", { value: m }))),
        h("p", { class: "faults-help" }, "Make the next calls of a Web API method fail, to watch the bot retry."),
        h("label", { class: "fault-row" }, "Method", f.method),
        h("label", { class: "fault-row" }, "Answer", f.kind),
        h("div", { class: "fault-row" },
          h("label", {}, "Retry-After ", f.retryAfter, " s"),
          h("label", {}, "Delay ", f.delay, " s"),
          h("label", {}, "Times ", f.times)),
        h("div", { class: "fault-buttons" },
          h("button", { type: "button", class: "bk-button primary", "data-testid": "fault-add", onclick: () => this.addFault() }, "Add fault"),
          h("button", { type: "button", class: "bk-button", "data-testid": "faults-clear", onclick: () => this.clearAll() }, "Clear all")),
        h("div", { class: "fault-row rate" },
          h("label", {}, this.rate.enabled, " Rate-limit chat.postMessage per channel"),
          h("label", {}, this.rate.perSecond, " /s, burst ", this.rate.burst)),
        this.destinations,
        h("h4", {}, "Waiting faults"),
        this.pending,
        h("h4", {}, "Recent Web API calls"),
        this.calls,
      ),
    );
  }

  async addFault() {
    const f = this.form;
    const kind = KINDS[f.kind.value];
    const body = {
      method: f.method.value.trim() || "*",
      times: Math.max(1, parseInt(f.times.value, 10) || 1),
      ...kind.fault({ retryAfter: Number(f.retryAfter.value) || 1, delay: Number(f.delay.value) || 1 }),
    };
    await this.send(body);
  }

  async clearAll() {
    await this.send({ clear: true, rate_limit: false });
  }

  async sendRateLimit() {
    const r = this.rate;
    await this.send({
      rate_limit: {
        enabled: r.enabled.checked,
        per_second: Number(r.perSecond.value) || 1,
        burst: Math.max(1, parseInt(r.burst.value, 10) || 1),
      },
    });
  }

  async send(body) {
    const answer = await this.post("/_sandbox/faults", body);
    if (!answer.ok) this.toast(`Fault refused: ${answer.error}`);
  }

  render(faults, calls) {
    const pending = faults?.pending || [];
    const limit = faults?.rate_limit || {};
    this.pending.replaceChildren(
      ...(pending.length ? pending.map((f) => h("li", {}, describe(f))) : [h("li", { class: "muted" }, "None")]),
    );
    if (document.activeElement !== this.rate.enabled) this.rate.enabled.checked = Boolean(limit.enabled);
    const active = pending.length + (limit.enabled ? 1 : 0);
    this.count.textContent = String(active);
    this.count.hidden = active === 0;
    this.calls.replaceChildren(
      ...(calls || []).map((c) =>
        h(
          "li",
          { class: c.ok ? "call ok" : "call failed" },
          h("span", { class: "call-time" }, new Date(c.at * 1000).toLocaleTimeString()),
          " ",
          h("b", {}, c.method),
          " ",
          c.ok ? "ok" : `${c.status} ${c.error || ""}`,
        ),
      ),
    );
  }
}

function describe(f) {
  const what = f.status ? `HTTP ${f.status}${f.status === 429 ? ` (Retry-After ${f.retry_after || 1}s)` : ""}`
    : f.error ? `error ${f.error}` : "";
  const slow = f.delay ? `${f.apply_after ? "done, then answers after" : "waits"} ${f.delay}s` : "";
  return `${f.method} → ${[what, slow].filter(Boolean).join(", ")} × ${f.times}`;
}
