// The sandbox page: act as any person, read their conversations, click, type /handshake.
// State comes from GET /_sandbox/state?as=<user>; /_sandbox/stream says when to refetch.

import { h } from "./dom.js";
import { renderBlocks } from "./blockkit.js";
import { Composer } from "./composer.js";
import { FaultsPanel } from "./faults.js";
import { MessageList } from "./messages.js";
import { ModalLayer } from "./modal.js";
import { OutsidePanel } from "./outside.js";
import { renderHeader, renderPeople, renderSidebar } from "./sidebar.js";

const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const app = {
  me: params.get("as"),
  conv: params.get("c"),
  view: null,
  seen: {}, // person -> conversation key -> newest ts they saw
  notes: {}, // person -> conversation key -> local "only slash commands" notes
  homeKey: null,
  shownConv: null,
};

async function post(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    return { ...answer, ok: response.ok && answer.ok !== false, httpStatus: response.status };
  } catch {
    return { ok: false, error: "sandbox_unreachable" };
  }
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 7000);
}

function failure(answer) {
  if (answer.error === "bot_not_connected") return "No bot is connected to this sandbox.";
  if (answer.error === "bot_error") return `Handshake answered with status code ${answer.status}.`;
  if (answer.error === "bot_unreachable") return "Handshake did not respond (it may be starting or stopped).";
  if (answer.error === "action_not_found") return "That control is no longer on the message.";
  if (answer.error === "message_not_found") return "That message is no longer there.";
  return `That didn't work: ${answer.error || "unknown error"}`;
}

// -- loading --------------------------------------------------------------------------------

let loading = null;
let loadAgain = false;

async function refresh() {
  if (loading) {
    loadAgain = true;
    return loading;
  }
  loading = (async () => {
    do {
      loadAgain = false;
      await load();
    } while (loadAgain);
  })();
  try {
    await loading;
  } finally {
    loading = null;
  }
}

async function load() {
  if (!app.me) {
    const people = (await (await fetch("/_sandbox/people")).json()).people || [];
    if (!people.length) return renderNobody();
    app.me = people[0].id;
  }
  const response = await fetch(`/_sandbox/state?as=${encodeURIComponent(app.me)}`);
  if (response.status === 404) {
    app.me = null;
    app.conv = null;
    return load();
  }
  app.view = await response.json();
  render();
}

// -- rendering ------------------------------------------------------------------------------

const messages = new MessageList($("pane"));
const modals = new ModalLayer($("modal-host"), {
  submit: async (view, values) => {
    const answer = await post("/_sandbox/ui/submit", { user: app.me, view_id: view.id, values });
    if (!answer.ok) toast(failure(answer));
    return answer;
  },
  close: (view) => {
    $("modal-host").replaceChildren();
    modals.key = null;
    post("/_sandbox/ui/close", { user: app.me, view_id: view.id });
  },
  action: (view, control, action, values) => act(control, { view_id: view.id, values, ...action }),
});
const faults = new FaultsPanel($("faults"), { post, toast });
new OutsidePanel($("outside"), faults.destinations, { post, toast });

function names() {
  const users = Object.fromEntries(app.view.users.map((u) => [u.id, u]));
  const channels = Object.fromEntries(app.view.channels.map((c) => [c.id, c]));
  return {
    users,
    names: {
      userName: (id) => users[id]?.real_name,
      channelName: (id) => channels[id]?.name,
      timeZone: users[app.me]?.tz,
    },
  };
}

function conversations() {
  const view = app.view;
  return [
    ...view.channels.map((c) => ({ key: c.id, label: `# ${c.name}`, section: "Channels", channel: c })),
    { key: "dm", label: view.bot.name, section: "Apps", channel: view.dm },
    { key: "home", label: "Home", section: "Apps", sub: true },
    ...(view.peek || []).map((c) => ({
      key: c.id,
      label: `${view.users.find((u) => u.id === c.owner)?.real_name || c.owner} ↔ ${view.bot.name}`,
      section: "Sandbox: look over a shoulder",
      channel: c,
      peek: true,
    })),
  ];
}

function defaultConv(list) {
  if (list.some((c) => c.key === app.conv)) return app.conv;
  if (app.view.dm.messages.length || !app.view.channels.length) return "dm";
  return app.view.channels[0].id;
}

function render() {
  const view = app.view;
  const list = conversations();
  const conv = defaultConv(list);
  if (conv !== app.conv) app.conv = conv;
  history.replaceState(null, "", `?as=${encodeURIComponent(app.me)}&c=${encodeURIComponent(conv)}`);
  renderPeople($("person"), $("me"), view);
  const seen = (app.seen[app.me] = app.seen[app.me] || {});
  const current = list.find((c) => c.key === conv);
  if (current.channel) seen[conv] = newest(current.channel.messages, seen[conv]);
  renderSidebar($("conversations"), list, { current: conv, seen, open: openConversation });
  $("banner").hidden = view.bot_connected;
  renderHeader($("conv-header"), { botName: view.bot.name, current: conv, label: current.label, open: openConversation });
  if (conv === "home") renderHome(view);
  else renderConversation(current);
  $("composer-box").hidden = conv === "home";
  $("composer").placeholder = conv === "dm" ? `Message ${view.bot.name}` : `Message ${current.label.replace(" ", "")}`;
  modals.render(view.modal, names().names);
  faults.render(view.faults, view.calls);
}

function newest(items, since) {
  return items.reduce((max, m) => (parseFloat(m.ts) > parseFloat(max || 0) ? m.ts : max), since || "0");
}

function renderConversation(current) {
  if (app.shownConv !== `${app.me}:${app.conv}`) {
    messages.reset();
    app.shownConv = `${app.me}:${app.conv}`;
    app.homeKey = null;
  }
  const pane = $("pane");
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 120;
  const { users, names: nameCtx } = names();
  const notes = app.notes[app.me]?.[app.conv] || [];
  const items = [...current.channel.messages, ...notes].sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts));
  const bot = app.view.bot.name;
  const intro = current.peek
    ? [current.label, `Sandbox only: this is someone else's DM with ${bot}. In Slack you could not see it; here you can click its buttons as yourself and watch ${bot} refuse.`]
    : app.conv === "dm"
    ? [bot, `This is the very beginning of your direct message history with ${bot}. Lead cards, nudges and answers to /handshake show up here.`]
    : [current.label, `This is the very beginning of the ${current.label.replace(" ", "")} channel. Every hand-off is posted here with its live status.`];
  messages.render(items, {
    sig: JSON.stringify(app.view.users),
    users,
    names: nameCtx,
    botName: app.view.bot.name,
    intro,
    onAction: (message, control, action) => act(control, { channel: message.channel, ts: message.ts, ...action }),
    rerender: render,
  });
  if (atBottom || pane.dataset.conv !== app.shownConv) pane.scrollTop = pane.scrollHeight;
  pane.dataset.conv = app.shownConv;
}

function renderHome(view) {
  const home = view.home;
  const key = `${app.me}:${home ? `${home.id}:${home.hash}` : "none"}:${JSON.stringify(view.users)}`;
  if (key === app.homeKey) return;
  app.homeKey = key;
  app.shownConv = null;
  messages.nodes.clear();
  const pane = $("pane");
  if (!home) {
    pane.replaceChildren(h("div", { class: "home-empty", "data-testid": "home" }, `${view.bot.name} has not published a Home tab for you yet.`));
    return;
  }
  const blocks = renderBlocks(home.blocks, {
    ...names().names,
    onAction: (control, action) => act(control, { view_id: home.id, ...action }),
  });
  pane.replaceChildren(h("div", { class: "home", "data-testid": "home", "data-view-id": home.id }, blocks));
  pane.scrollTop = 0;
}

function renderNobody() {
  $("pane").replaceChildren(h("div", { class: "home-empty" }, "No people in the sandbox yet: the demo adds its roster when it starts."));
}

// -- doing things ---------------------------------------------------------------------------

function openConversation(key) {
  app.conv = key;
  app.homeKey = null;
  render();
  if (key === "home") openHome();
  else $("composer").focus();
}

async function openHome() {
  const answer = await post("/_sandbox/ui/home", { user: app.me });
  if (!answer.ok) toast(failure(answer));
}

async function act(control, body) {
  control.classList.add("busy");
  if ("disabled" in control && control.tagName === "BUTTON") control.disabled = true;
  const answer = await post("/_sandbox/ui/action", { user: app.me, ...body });
  control.classList.remove("busy");
  if (control.tagName === "BUTTON") control.disabled = false;
  if (!answer.ok) toast(failure(answer));
}

function addNote(text) {
  const byConv = (app.notes[app.me] = app.notes[app.me] || {});
  const ts = (Date.now() / 1000).toFixed(6);
  (byConv[app.conv] = byConv[app.conv] || []).push({ ts, text, local: true, user: "USLACKBOT" });
  render();
}

function wire() {
  $("person").addEventListener("change", (event) => {
    app.me = event.target.value;
    app.conv = null;
    app.shownConv = null;
    app.homeKey = null;
    modals.render(null);
    refresh();
  });
  new Composer(
    { box: $("composer"), hints: $("hints"), button: $("send") },
    {
      command: (text) => {
        const peeking = (app.view.peek || []).some((c) => c.id === app.conv);
        const own = app.conv === "dm" || app.conv === "home" || peeking;
        const channel = own ? app.view.dm.id : app.conv;
        return post("/_sandbox/ui/command", { user: app.me, text, channel });
      },
      note: addNote,
      failure,
    },
  );
  const live = $("live");
  const stream = new EventSource("/_sandbox/stream");
  stream.addEventListener("change", () => refresh());
  stream.addEventListener("open", () => {
    live.textContent = "● Live";
    live.className = "live";
  });
  stream.addEventListener("error", () => {
    live.textContent = "● Reconnecting…";
    live.className = "live off";
  });
}

wire();
refresh().then(() => {
  if (app.conv === "home") openHome();
});
