// Block Kit to DOM: the blocks of messages, App Home tabs and modals, and the elements in them.
//
// ctx: {userName(id), channelName(id), timeZone, onAction(control, action), values, errors}
//  - onAction gets {action_id, block_id, value | selected_option | selected_date |
//    selected_date_time};
//  - values: view.state.values-shaped initial values (a modal shown again with errors);
//  - timeZone: the person's IANA zone; a datetimepicker shows and reads times in it, as
//    Slack's client does in the person's own zone (the browser's when not given).

import { h, safeUrl } from "./dom.js";
import { mrkdwn, plainText } from "./mrkdwn.js";

export function renderBlocks(blocks, ctx) {
  const root = h("div", { class: "bk-blocks" });
  (Array.isArray(blocks) ? blocks : []).forEach((block, index) => {
    if (!block || typeof block !== "object") return;
    const blockId = block.block_id || `b${index}`; // the server's name for a block without an id
    const node = renderBlock(block, blockId, ctx);
    if (node) {
      node.dataset.blockId = blockId;
      root.append(node);
    }
  });
  return root;
}

export function textObject(obj, ctx) {
  if (!obj) return null;
  if (typeof obj === "string") return plainText(obj);
  return obj.type === "mrkdwn" ? mrkdwn(obj.text, ctx) : plainText(obj.text);
}

function renderBlock(block, blockId, ctx) {
  switch (block.type) {
    case "header":
      return h("div", { class: "bk-header" }, textObject(block.text, ctx));
    case "section":
      return section(block, blockId, ctx);
    case "context":
      return h("div", { class: "bk-context" }, (block.elements || []).map((e) => contextItem(e, ctx)));
    case "divider":
      return h("hr", { class: "bk-divider" });
    case "actions":
      return h(
        "div",
        { class: "bk-actions" },
        (block.elements || []).map((e) => element(e, blockId, ctx)),
      );
    case "image":
      return h(
        "figure",
        { class: "bk-image" },
        block.title ? h("figcaption", {}, textObject(block.title, ctx)) : null,
        image(imageSource(block), block.alt_text, "bk-image-full"),
      );
    case "input":
      return input(block, blockId, ctx);
    default:
      return h("div", { class: "bk-unsupported" }, `[${block.type} block]`);
  }
}

function section(block, blockId, ctx) {
  const main = h("div", { class: "bk-section-main" });
  if (block.text) main.append(h("div", { class: "bk-text" }, textObject(block.text, ctx)));
  if (Array.isArray(block.fields) && block.fields.length) {
    main.append(
      h("div", { class: "bk-fields" }, block.fields.map((f) => h("div", { class: "bk-field" }, textObject(f, ctx)))),
    );
  }
  const accessory = block.accessory ? element(block.accessory, blockId, ctx) : null;
  return h("div", { class: "bk-section" }, main, accessory ? h("div", { class: "bk-accessory" }, accessory) : null);
}

function contextItem(item, ctx) {
  if (item && item.type === "image") return image(imageSource(item), item.alt_text, "bk-context-image");
  return h("span", { class: "bk-context-text" }, textObject(item, ctx));
}

// An image's address: its image_url, or a file uploaded to the sandbox (slack_file.id),
// served by the sandbox at /_sandbox/files/<id>.
function imageSource(obj) {
  if (obj.image_url) return obj.image_url;
  const file = obj.slack_file || {};
  if (file.id) return new URL(`/_sandbox/files/${encodeURIComponent(file.id)}`, window.location.href).href;
  return file.url || null;
}

function image(url, alt, className) {
  const src = safeUrl(url);
  const label = alt || "image";
  if (!src) return h("span", { class: `${className} bk-image-missing` }, label);
  const img = h("img", { class: className, src, alt: label, title: label, loading: "lazy" });
  img.addEventListener("error", () => img.replaceWith(h("span", { class: `${className} bk-image-missing` }, label)));
  return img;
}

function input(block, blockId, ctx) {
  const el = block.element || {};
  return h(
    "div",
    { class: "bk-input", "data-optional": block.optional ? "true" : "false" },
    h(
      "label",
      { class: "bk-label" },
      textObject(block.label, ctx),
      block.optional ? h("span", { class: "bk-optional" }, " (optional)") : null,
    ),
    element(el, blockId, { ...ctx, inInput: !block.dispatch_action }),
    block.hint ? h("div", { class: "bk-hint" }, textObject(block.hint, ctx)) : null,
    h("div", { class: "bk-error", "data-testid": "input-error", hidden: true }),
  );
}

// -- elements -------------------------------------------------------------------------------

function element(el, blockId, ctx) {
  if (!el || typeof el !== "object") return null;
  const initial = ctx.values?.[blockId]?.[el.action_id];
  const base = { "data-action-id": el.action_id, "data-block-id": blockId, "data-type": el.type };
  const act = (control, extra) => {
    if (!ctx.inInput && ctx.onAction) ctx.onAction(control, { action_id: el.action_id, block_id: blockId, ...extra });
  };
  switch (el.type) {
    case "button":
      return button(el, base, ctx);
    case "static_select":
    case "overflow":
      return select(el, base, initial, act);
    case "datepicker": {
      const picker = h("input", { ...base, type: "date", class: "bk-datepicker" });
      picker.value = initial?.selected_date ?? el.initial_date ?? "";
      picker.addEventListener("change", () => picker.value && act(picker, { selected_date: picker.value }));
      return picker;
    }
    case "datetimepicker":
      return dateTimePicker(el, base, initial, act, ctx);
    case "radio_buttons":
    case "checkboxes":
      return choices(el, base, initial, act, ctx);
    case "plain_text_input": {
      const props = { ...base, class: "bk-text-input", placeholder: el.placeholder?.text };
      if (el.max_length) props.maxlength = el.max_length;
      if (el.min_length) props["data-min-length"] = el.min_length;
      const box = el.multiline ? h("textarea", { ...props, rows: 4 }) : h("input", { ...props, type: "text" });
      box.value = initial?.value ?? el.initial_value ?? "";
      return box;
    }
    case "image":
      return image(imageSource(el), el.alt_text, "bk-accessory-image");
    default:
      return h("span", { class: "bk-unsupported" }, `[${el.type}]`);
  }
}

// A datetimepicker: one date-and-time field in the person's zone; its value is
// `selected_date_time`, epoch seconds (an integer), as Slack sends it.
function dateTimePicker(el, base, initial, act, ctx) {
  const zone = knownZone(ctx.timeZone);
  const picker = h("input", { ...base, type: "datetime-local", class: "bk-datetimepicker", "data-time-zone": zone || "" });
  const seconds = initial ? initial.selected_date_time : el.initial_date_time;
  picker.value = Number.isInteger(seconds) ? wallTime(seconds, zone) : "";
  picker.addEventListener("change", () => {
    const chosen = epochSeconds(picker.value, zone);
    if (chosen !== null) act(picker, { selected_date_time: chosen });
  });
  const label = zone ? h("span", { class: "bk-zone" }, zone.replace(/_/g, " ")) : null;
  return h("span", { class: "bk-datetime" }, picker, label);
}

function knownZone(zone) {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return null; // not a zone this browser knows: the browser's own
  }
}

// How far `zone`'s wall clock is ahead of UTC at the instant `ms`, in milliseconds.
function zoneOffset(ms, zone) {
  if (!zone) return -new Date(ms).getTimezoneOffset() * 60000;
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}

// "2026-11-24T10:30" in `zone` → epoch seconds; null when incomplete.
export function epochSeconds(text, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text || "");
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let guess = wall - zoneOffset(wall, zone);
  guess = wall - zoneOffset(guess, zone); // again, in case a DST change lies in between
  return Math.floor(guess / 1000);
}

function wallTime(seconds, zone) {
  const ms = seconds * 1000;
  return new Date(ms + zoneOffset(ms, zone)).toISOString().slice(0, 16);
}

function button(el, base, ctx) {
  const style = el.style === "primary" || el.style === "danger" ? ` ${el.style}` : "";
  const control = h("button", { ...base, type: "button", class: `bk-button${style}` }, textObject(el.text, ctx));
  control.addEventListener("click", () => {
    const url = el.url && safeUrl(el.url);
    if (url) window.open(url, "_blank", "noopener,noreferrer");
    if (ctx.onAction && !ctx.inInput) ctx.onAction(control, { action_id: el.action_id, block_id: base["data-block-id"] });
  });
  return control;
}

function allOptions(el) {
  const groups = (el.option_groups || []).flatMap((g) => g.options || []);
  return [...(el.options || []), ...groups];
}

function optionNode(option) {
  return h("option", { value: option.value }, plainText(option.text?.text ?? option.value));
}

function select(el, base, initial, act) {
  const overflow = el.type === "overflow";
  const control = h("select", { ...base, class: overflow ? "bk-overflow" : "bk-select" });
  control._options = allOptions(el);
  const placeholder = overflow ? "⋯" : el.placeholder?.text || "Select an item";
  control.append(h("option", { value: "", disabled: true, selected: true, hidden: !overflow }, placeholder));
  control.append(...(el.options || []).map(optionNode));
  for (const group of el.option_groups || []) {
    control.append(h("optgroup", { label: group.label?.text || "" }, (group.options || []).map(optionNode)));
  }
  const chosen = initial?.selected_option?.value ?? el.initial_option?.value;
  if (chosen !== undefined && !overflow) control.value = chosen;
  control.addEventListener("change", () => {
    const option = control._options.find((o) => o.value === control.value);
    if (option) act(control, { selected_option: option });
    if (overflow) control.value = "";
  });
  return control;
}

function choices(el, base, initial, act, ctx) {
  const radio = el.type === "radio_buttons";
  const group = h("div", { ...base, class: radio ? "bk-radios" : "bk-checkboxes", role: radio ? "radiogroup" : "group" });
  group._options = el.options || [];
  const name = `${base["data-block-id"]}.${el.action_id}.${Math.random().toString(36).slice(2)}`;
  const chosen = radio
    ? [initial?.selected_option?.value ?? el.initial_option?.value]
    : (initial?.selected_options ?? el.initial_options ?? []).map((o) => o.value);
  for (const option of group._options) {
    const box = h("input", { type: radio ? "radio" : "checkbox", name, value: option.value });
    box.checked = chosen.includes(option.value);
    if (radio) box.addEventListener("change", () => box.checked && act(group, { selected_option: option }));
    group.append(
      h(
        "label",
        { class: "bk-choice" },
        box,
        h(
          "span",
          {},
          textObject(option.text, ctx),
          option.description ? h("span", { class: "bk-choice-description" }, textObject(option.description, ctx)) : null,
        ),
      ),
    );
  }
  return group;
}

// -- values of a modal's inputs --------------------------------------------------------------

// The view.state.values Slack sends: {block_id: {action_id: {type, value | selected_* }}}.
export function collectValues(root) {
  const values = {};
  for (const control of root.querySelectorAll(".bk-input [data-action-id]")) {
    const blockId = control.dataset.blockId;
    values[blockId] = values[blockId] || {};
    values[blockId][control.dataset.actionId] = readControl(control);
  }
  return values;
}

export function readControl(control) {
  const type = control.dataset.type;
  const checked = () => [...control.querySelectorAll("input:checked")].map((box) => control._options.find((o) => o.value === box.value));
  switch (type) {
    case "static_select": {
      const option = control._options.find((o) => o.value === control.value);
      return { type, selected_option: option || null };
    }
    case "radio_buttons":
      return { type, selected_option: checked()[0] || null };
    case "checkboxes":
      return { type, selected_options: checked() };
    case "datepicker":
      return { type, selected_date: control.value || null };
    case "datetimepicker":
      return { type, selected_date_time: epochSeconds(control.value, control.dataset.timeZone || null) };
    default:
      return { type, value: control.value === "" ? null : control.value };
  }
}

export function isEmpty(state) {
  if ("selected_options" in state) return state.selected_options.length === 0;
  const value = state.selected_option ?? state.selected_date ?? state.selected_date_time ?? state.value;
  return value === null || value === undefined || String(value).trim() === "";
}

// Show `errors` ({block_id: message}) under their input blocks; clear the others.
export function showErrors(root, errors) {
  for (const block of root.querySelectorAll(".bk-input")) {
    const message = errors?.[block.dataset.blockId];
    const slot = block.querySelector(".bk-error");
    slot.textContent = message ? String(message) : "";
    slot.hidden = !message;
    block.classList.toggle("has-error", Boolean(message));
  }
}
