// A conversation's messages: avatars, names, times, Block Kit or mrkdwn, threads, ephemerals.
// Nodes are kept while a message is unchanged, so a select or a scroll survives a refresh.

import { colourOf, h, initials, timeOf } from "./dom.js";
import { renderBlocks } from "./blockkit.js";
import { mrkdwn } from "./mrkdwn.js";

export class MessageList {
  constructor(host) {
    this.host = host;
    this.nodes = new Map(); // key -> {sig, node}
    this.openThreads = new Set();
    this.dismissed = new Set();
  }

  reset() {
    this.nodes.clear();
    this.introKey = null;
    this.host.replaceChildren();
  }

  // items: messages in ts order (with `ephemeral` / `local` flags); ctx: names, actions,
  // intro: [title, text].
  render(items, ctx) {
    const shown = items.filter((m) => !this.dismissed.has(keyOf(m)));
    const next = new Map();
    const nodes = shown.map((message) => {
      const key = keyOf(message);
      const sig = `${ctx.sig}|${this.openThreads.has(key)}|${JSON.stringify(message)}`;
      const old = this.nodes.get(key);
      const node = old && old.sig === sig ? old.node : this.messageNode(message, ctx);
      next.set(key, { sig, node });
      return node;
    });
    this.nodes = next;
    const intro = this.introFor(ctx.intro);
    const wanted = [intro, ...nodes];
    const current = [...this.host.children];
    if (wanted.length !== current.length || wanted.some((node, i) => node !== current[i])) {
      this.host.replaceChildren(...wanted); // untouched when nothing changed: focus stays
    }
  }

  // The "beginning of the conversation" paragraph, kept while its text is the same.
  introFor([title, text]) {
    const key = `${title}\n${text}`;
    if (this.introKey !== key) {
      this.intro = h("div", { class: "intro" }, h("div", { class: "intro-title" }, title), text);
      this.introKey = key;
    }
    return this.intro;
  }

  messageNode(message, ctx) {
    const key = keyOf(message);
    const author = authorOf(message, ctx);
    const privateNote = message.ephemeral || message.local;
    const testid = message.local ? "local-note" : message.ephemeral ? "ephemeral" : "message";
    const body = message.blocks?.length
      ? renderBlocks(message.blocks, { ...ctx.names, onAction: (control, action) => ctx.onAction(message, control, action) })
      : h("div", { class: "msg-text" }, mrkdwn(message.text, ctx.names));
    const node = h(
      "div",
      { class: `msg${privateNote ? " ephemeral" : ""}`, "data-testid": testid, "data-ts": message.ts },
      avatar(author),
      h(
        "div",
        { class: "msg-content" },
        privateNote
          ? h(
              "div",
              { class: "only-you" },
              "Only visible to you",
              h("button", { type: "button", class: "link-button", onclick: () => this.dismiss(key, node) }, "Dismiss"),
            )
          : null,
        header(message, author),
        body,
        this.thread(message, key, ctx),
      ),
    );
    return node;
  }

  thread(message, key, ctx) {
    if (!message.reply_count) return null;
    const open = this.openThreads.has(key);
    const toggle = h(
      "button",
      { type: "button", class: "thread-link", "data-testid": "thread-replies" },
      `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`,
    );
    toggle.addEventListener("click", () => {
      if (open) this.openThreads.delete(key);
      else this.openThreads.add(key);
      ctx.rerender();
    });
    const replies = open
      ? h("div", { class: "replies" }, (message.replies || []).map((reply) => this.messageNode({ ...reply, reply_count: 0 }, ctx)))
      : null;
    return h("div", { class: "thread" }, toggle, replies);
  }

  dismiss(key, node) {
    this.dismissed.add(key);
    node.remove();
  }
}

function keyOf(message) {
  return `${message.local ? "l" : message.ephemeral ? "e" : "m"}${message.ts}`;
}

function authorOf(message, ctx) {
  if (message.local) return { id: "USLACKBOT", name: "Slackbot", bot: true, mark: "S", badge: false };
  const user = ctx.users[message.user];
  if (message.bot_id || user?.is_bot) return { id: message.user, name: ctx.botName, bot: true, mark: "H" };
  return { id: message.user, name: user?.real_name || message.user, bot: false };
}

function avatar(author) {
  const classes = `avatar ${author.bot ? "bot" : colourOf(author.id)}`;
  return h("div", { class: classes, "aria-hidden": "true" }, author.mark || initials(author.name));
}

function header(message, author) {
  const when = new Date(parseFloat(message.ts) * 1000);
  return h(
    "div",
    { class: "msg-head" },
    h("span", { class: "msg-name" }, author.name),
    author.bot && author.badge !== false ? h("span", { class: "app-badge" }, "APP") : null,
    h("span", { class: "msg-time", title: when.toLocaleString() }, timeOf(message.ts)),
    message.edited ? h("span", { class: "msg-edited" }, "(edited)") : null,
  );
}
