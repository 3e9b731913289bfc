// The "CRM & webhooks" panel: what the bot wrote to the outside systems the sandbox was given
// (GET /_sandbox/outside), and buttons in the faults panel that break them.

import { h } from "./dom.js";

const POLL_MS = 1500;

export class OutsidePanel {
  constructor(root, faultsBox, { post, toast }) {
    this.root = root;
    this.faultsBox = faultsBox;
    this.post = post;
    this.toast = toast;
    this.opened = new Set(); // record ids whose details are open
    this.body = h("div", { class: "faults-body outside-body" });
    root.replaceChildren(h("summary", { class: "faults-summary" }, "CRM & webhooks"), this.body);
    root.addEventListener("toggle", () => root.open && this.load());
    this.times = h("input", { type: "number", min: 1, max: 20, value: 2, class: "fault-num", "data-testid": "outside-times" });
    this.faultsSig = null;
    this.load();
    setInterval(() => root.open && this.load(), POLL_MS);
  }

  async load() {
    try {
      const answer = await (await fetch("/_sandbox/outside")).json();
      this.render(answer.panels || []);
    } catch {
      /* the sandbox is stopping: keep what is shown */
    }
  }

  render(panels) {
    this.root.hidden = panels.length === 0;
    this.renderFaults(panels);
    this.body.replaceChildren(
      h("p", { class: "faults-help" }, "What Handshake wrote back after each decision, as the CRMs and the webhook receiver hold it."),
      ...panels.map((p) =>
        h("section", { class: "outside", "data-testid": `outside-${p.name}` },
          h("h4", {}, p.label),
          p.kind === "deliveries" ? this.deliveries(p.data) : this.records(p.data)),
      ),
    );
  }

  records(data) {
    const records = data.records || [];
    if (!records.length) return h("p", { class: "muted" }, "No records yet.");
    return h("div", {}, records.map((r) => {
      const box = h("details", { class: "crm-record", "data-testid": "crm-record", "data-record-id": r.id, open: this.opened.has(r.id) },
        h("summary", {}, h("b", {}, r.title || r.id), " ", h("span", { class: "crm-status", "data-testid": "crm-status" }, r.status || "—")),
        h("dl", {}, Object.entries(r.fields || {}).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")])),
        ...(r.items || []).map((i) => h("div", { class: "crm-item", "data-testid": "crm-item" }, h("b", {}, i.title), h("pre", {}, i.body || ""))),
      );
      box.addEventListener("toggle", () => (box.open ? this.opened.add(r.id) : this.opened.delete(r.id)));
      return box;
    }));
  }

  deliveries(data) {
    const rows = data.deliveries || [];
    return h("div", {},
      h("p", { class: "muted" }, `Receiver: ${data.url || ""}`),
      rows.length
        ? h("table", { class: "deliveries" },
            h("tr", {}, ["Type", "webhook-id", "Verified", "Status"].map((t) => h("th", {}, t))),
            rows.map((d) => h("tr", { "data-testid": "delivery" },
              h("td", {}, d.type || "?"), h("td", { class: "mono" }, d.webhook_id || ""),
              h("td", {}, d.verified ? "✓" : "✗"), h("td", {}, `${d.status}${d.duplicate ? " (duplicate)" : ""}`))))
        : h("p", { class: "muted" }, "No deliveries yet."));
  }

  renderFaults(panels) {
    const sig = JSON.stringify(panels.map((p) => [p.name, p.faults]));
    if (sig === this.faultsSig) return;
    this.faultsSig = sig;
    const breakable = panels.filter((p) => p.faults.length);
    this.faultsBox.replaceChildren(
      ...(breakable.length ? [
        h("h4", {}, "Break a destination"),
        h("p", { class: "faults-help" }, "The next calls answer with an error, to watch the bot retry (5xx) or give up (4xx)."),
        h("label", { class: "fault-row" }, "Times ", this.times),
        ...breakable.map((p) => h("div", { class: "fault-buttons" },
          h("span", {}, p.label),
          ...p.faults.map((f) => h("button", { type: "button", class: "bk-button", "data-testid": `break-${p.name}-${f.kind}`, onclick: () => this.breakIt(p, f) }, f.label)))),
        h("button", { type: "button", class: "bk-button", "data-testid": "outside-clear", onclick: () => this.send({ clear: true }) }, "Mend all"),
      ] : []),
    );
  }

  async breakIt(panel, fault) {
    const times = Math.min(20, Math.max(1, parseInt(this.times.value, 10) || 1));
    if (await this.send({ name: panel.name, kind: fault.kind, times })) this.toast(`${panel.label}: the next ${times} call(s) answer ${fault.kind}`);
  }

  async send(body) {
    const answer = await this.post("/_sandbox/faults/outside", body);
    if (!answer.ok) this.toast(`Fault refused: ${answer.error}`);
    return answer.ok;
  }
}
