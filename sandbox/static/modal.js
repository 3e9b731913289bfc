// The modal overlay: the top of the person's modal stack, its inputs and the bot's errors.

import { h } from "./dom.js";
import { collectValues, isEmpty, renderBlocks, showErrors, textObject } from "./blockkit.js";

const REQUIRED = "Please complete this required field.";

export class ModalLayer {
  // api: {submit(view, values), close(view), action(view, control, action, values)}
  constructor(host, api) {
    this.host = host;
    this.api = api;
    this.key = null;
    this.node = null;
  }

  // Show `view` (or nothing); rebuilt only when the view or its hash changes, so what the
  // person typed survives refreshes; errors are updated in place.
  render(view, ctx) {
    if (!view) {
      this.host.replaceChildren();
      this.key = this.node = null;
      return;
    }
    const key = `${view.id}:${view.hash}`;
    if (key !== this.key) {
      const kept = this.node && this.key?.startsWith(`${view.id}:`) ? collectValues(this.node) : null;
      this.node = this.build(view, ctx, kept || view.state?.values || {});
      this.host.replaceChildren(h("div", { class: "overlay" }, this.node));
      this.key = key;
      this.errorsKey = null;
    }
    const errorsKey = JSON.stringify(view.errors || {});
    if (errorsKey !== this.errorsKey) showErrors(this.node, view.errors || {});
    this.errorsKey = errorsKey;
  }

  build(view, ctx, values) {
    const body = renderBlocks(view.blocks, {
      ...ctx,
      values,
      onAction: (control, action) => this.api.action(view, control, action, collectValues(body)),
    });
    const failure = h("div", { class: "modal-failure", hidden: true });
    const submit = view.submit
      ? h("button", { type: "button", class: "bk-button primary", "data-testid": "modal-submit" }, textObject(view.submit, ctx))
      : null;
    const close = () => this.api.close(view);
    const modal = h(
      "div",
      { class: "modal", role: "dialog", "aria-modal": "true", "data-testid": "modal", "data-view-id": view.id },
      h(
        "div",
        { class: "modal-head" },
        h("h2", { class: "modal-title" }, textObject(view.title, ctx)),
        h("button", { type: "button", class: "modal-x", title: "Close", "data-testid": "modal-close", onclick: close }, "×"),
      ),
      h("div", { class: "modal-body" }, body),
      failure,
      h(
        "div",
        { class: "modal-foot" },
        h("button", { type: "button", class: "bk-button", "data-testid": "modal-cancel", onclick: close }, textObject(view.close, ctx) || "Cancel"),
        submit,
      ),
    );
    if (submit) {
      submit.addEventListener("click", async () => {
        const state = collectValues(body);
        const missing = missingRequired(body, state);
        showErrors(body, missing);
        if (Object.keys(missing).length) return;
        failure.hidden = true;
        submit.disabled = true;
        submit.classList.add("busy");
        try {
          const answer = await this.api.submit(view, state);
          if (answer.errors) showErrors(body, answer.errors);
          if (!answer.ok) {
            failure.textContent = "We had some trouble connecting. Try again?";
            failure.hidden = false;
          }
        } finally {
          submit.disabled = false;
          submit.classList.remove("busy");
        }
      });
    }
    return modal;
  }
}

// Slack checks required inputs (and minimum lengths) before anything is sent.
function missingRequired(root, state) {
  const missing = {};
  for (const block of root.querySelectorAll(".bk-input")) {
    const blockId = block.dataset.blockId;
    const control = block.querySelector("[data-action-id]");
    if (!control) continue;
    const value = state[blockId]?.[control.dataset.actionId] || {};
    if (block.dataset.optional !== "true" && isEmpty(value)) missing[blockId] = REQUIRED;
    const min = Number(control.getAttribute("data-min-length") || 0);
    if (min && value.value && value.value.length < min) missing[blockId] = `Must be at least ${min} characters.`;
  }
  return missing;
}
