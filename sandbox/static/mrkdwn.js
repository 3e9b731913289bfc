// Slack mrkdwn to DOM nodes. Text the bot escaped (&lt; &gt; &amp;) is shown as those
// characters, as text: nothing here ever parses HTML.

import { h, link } from "./dom.js";

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };
const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", wave: "👋", tada: "🎉", rotating_light: "🚨", fire: "🔥",
  eyes: "👀", bell: "🔔", calendar: "📆", email: "📧", phone: "📞", memo: "📝",
  handshake: "🤝", red_circle: "🔴", large_green_circle: "🟢", repeat: "🔁",
  leftwards_arrow_with_hook: "↩️", clock1: "🕐", bar_chart: "📊", star: "⭐",
  point_right: "👉", thumbsup: "👍", "+1": "👍", thumbsdown: "👎", busts_in_silhouette: "👥",
};
const SPECIAL = { here: "@here", channel: "@channel", everyone: "@everyone" };

// One token at a time, leftmost first: `code`, <link|mention>, *bold* _italic_ ~strike~.
const TOKEN = new RegExp(
  [
    "`([^`\\n]+)`",
    "<([^<>\\n]+)>",
    "(?<![\\p{L}\\p{N}])([*_~])(?!\\s)([^\\n]*?[^\\s])\\3(?![\\p{L}\\p{N}])",
  ].join("|"),
  "u",
);
const STYLE_TAG = { "*": "b", _: "i", "~": "s" };

export function unescapeText(text) {
  return String(text ?? "").replace(/&(lt|gt|amp);/g, (entity) => ENTITIES[entity]);
}

export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

// A plain_text object: entities decoded, emoji shortcodes shown, nothing else.
export function plainText(text) {
  return document.createTextNode(emojify(unescapeText(text)));
}

// Render mrkdwn into a fragment; `ctx` names users and channels: {userName(id), channelName(id)}.
export function mrkdwn(text, ctx = {}) {
  const fragment = document.createDocumentFragment();
  const parts = String(text ?? "").split("```");
  if (parts.length % 2 === 0) parts.push(parts.splice(-2).join("```")); // unbalanced fence
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      fragment.append(h("pre", { class: "mrkdwn-pre" }, unescapeText(part.replace(/^\n|\n$/g, ""))));
    } else if (part) {
      quoted(part, ctx, fragment);
    }
  });
  return fragment;
}

// Lines that start with a raw ">" are a quote block, as on Slack; an escaped "&gt;" is not.
function quoted(text, ctx, parent) {
  let plain = "";
  let quote = null;
  text.split("\n").forEach((line, index, lines) => {
    if (line.startsWith(">")) {
      if (plain) inline(plain.replace(/\n$/, ""), ctx, parent);
      plain = "";
      if (quote) quote.append(document.createTextNode("\n"));
      else parent.append((quote = h("blockquote", { class: "mrkdwn-quote" })));
      inline(line.replace(/^> ?/, ""), ctx, quote);
    } else {
      quote = null;
      plain += line + (index < lines.length - 1 ? "\n" : "");
    }
  });
  if (plain) inline(plain, ctx, parent);
}

function inline(text, ctx, parent) {
  const tokens = new RegExp(TOKEN.source, "gu"); // on the whole text: lookbehinds see context
  let at = 0;
  let match;
  while ((match = tokens.exec(text))) {
    if (match.index > at) parent.append(plainText(text.slice(at, match.index)));
    if (match[1] !== undefined) {
      parent.append(h("code", { class: "mrkdwn-code" }, unescapeText(match[1])));
    } else if (match[2] !== undefined) {
      parent.append(angle(match[2], ctx));
    } else {
      const styled = h(STYLE_TAG[match[3]]);
      inline(match[4], ctx, styled);
      parent.append(styled);
    }
    at = tokens.lastIndex;
  }
  if (at < text.length) parent.append(plainText(text.slice(at)));
}

// <@U…>, <#C…|name>, <!here>, <!date^…|fallback>, <url|label>, <url>.
function angle(inner, ctx) {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? "" : unescapeText(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = (ctx.userName && ctx.userName(id)) || label || id;
    return h("span", { class: "mention", "data-user-id": id }, `@${name}`);
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = (ctx.channelName && ctx.channelName(id)) || label || id;
    return h("span", { class: "mention channel" }, `#${name}`);
  }
  if (target.startsWith("!")) {
    const word = target.slice(1).split("^")[0];
    if (SPECIAL[word]) return h("span", { class: "mention special" }, SPECIAL[word]);
    if (word === "subteam") return h("span", { class: "mention" }, label || "@group");
    return document.createTextNode(label || word);
  }
  const url = unescapeText(target);
  return link(url, label || url);
}
