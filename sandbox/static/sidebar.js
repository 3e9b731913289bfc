// The sidebar (person switcher, who you are, conversations with unread counts) and the
// conversation header (with Home / Messages tabs for the bot).

import { colourOf, h, initials } from "./dom.js";

let peopleSig = "";

export function renderPeople(select, meBox, view) {
  const people = view.users.filter((u) => !u.is_bot);
  const sig = JSON.stringify(people);
  if (sig !== peopleSig) {
    select.replaceChildren(
      ...people.map((u) => h("option", { value: u.id }, u.title ? `${u.real_name} — ${u.title}` : u.real_name)),
    );
    peopleSig = sig;
  }
  const me = view.me;
  select.value = me.id;
  meBox.replaceChildren(
    h("div", { class: `avatar small ${colourOf(me.id)}` }, initials(me.real_name)),
    h("div", {}, h("div", { class: "me-name" }, me.real_name), h("div", { class: "me-title" }, me.title || "—")),
  );
}

function navLink(key, props, open, ...children) {
  return h(
    "a",
    {
      href: "#",
      "data-testid": props.testid,
      class: props.class,
      onclick: (event) => {
        event.preventDefault();
        open(key);
      },
    },
    ...children,
  );
}

// list: [{key, label, section, sub?, channel?}]; seen: key -> newest ts seen.
export function renderSidebar(nav, list, { current, seen, open }) {
  const sections = {};
  for (const item of list) {
    const unread = item.channel && item.key !== current
      ? item.channel.messages.filter((m) => parseFloat(m.ts) > parseFloat(seen[item.key] || 0)).length
      : 0;
    const classes = ["conv", item.key === current && "active", unread && "unread", item.sub && "sub"];
    const icon = item.section === "Apps" && !item.sub ? h("span", { class: "avatar tiny bot" }, "H") : null;
    const link = navLink(
      item.key,
      { testid: `conv-${item.key}`, class: classes.filter(Boolean).join(" ") },
      open,
      h("span", { class: "conv-label" }, icon, item.label),
      unread ? h("span", { class: "badge" }, String(unread)) : null,
    );
    (sections[item.section] = sections[item.section] || []).push(link);
  }
  nav.replaceChildren(
    ...Object.entries(sections).map(([title, links]) =>
      h("div", { class: "nav-section" }, h("div", { class: "nav-title" }, title), links),
    ),
  );
}

export function renderHeader(host, { botName, current, label, open }) {
  if (current !== "dm" && current !== "home") {
    host.replaceChildren(h("div", { class: "conv-title" }, label));
    return;
  }
  const tab = (key, text) =>
    navLink(key, { testid: `tab-${key}`, class: `tab${current === key ? " active" : ""}` }, open, text);
  host.replaceChildren(
    h("div", { class: "conv-title" }, h("span", { class: "avatar tiny bot" }, "H"), botName, h("span", { class: "app-badge" }, "APP")),
    h("nav", { class: "tabs" }, tab("home", "Home"), tab("dm", "Messages")),
  );
}
