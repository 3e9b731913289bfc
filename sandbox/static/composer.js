// The message box: `/handshake …` goes to the bot as a slash command; anything else gets a
// note (only visible to you) that the sandbox only sends slash commands.

import { h } from "./dom.js";

const COMMAND = "/handshake";
const SUBCOMMANDS = [
  ["help", "list what /handshake can do"],
  ["summary 7d", "hand-off numbers (7d, 30d or 90d)"],
  ["stale", "pending leads past their deadline"],
  ["lead ", "one lead's timeline: lead <email>"],
  ["away ", "away until YYYY-MM-DD, or away off"],
  ["capacity ", "new leads a day: capacity <n>, or capacity off"],
];

export class Composer {
  // handlers: {command(text) -> Promise<answer>, note(text), failure(answer) -> text}
  constructor({ box, hints, button }, handlers) {
    this.box = box;
    this.hints = hints;
    this.handlers = handlers;
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.send();
      }
    });
    box.addEventListener("input", () => this.showHints());
    button.addEventListener("click", () => this.send());
  }

  async send() {
    const text = this.box.value.trim();
    if (!text) return;
    this.box.value = "";
    this.showHints();
    const { command, note, failure } = this.handlers;
    if (text === COMMAND || text.startsWith(`${COMMAND} `)) {
      const answer = await command(text);
      if (!answer.ok) note(`${COMMAND} failed with the error "${answer.error}". ${failure(answer)}`);
    } else if (text.startsWith("/")) {
      note(`${text.split(/\s/)[0]} is not a valid command. In this sandbox only ${COMMAND} works.`);
    } else {
      note(`Only slash commands are supported in the sandbox: try \`${COMMAND} help\`.`);
    }
  }

  showHints() {
    const typed = this.box.value;
    const show = typed.startsWith("/") && !/^\/handshake \S+ /.test(typed);
    this.hints.hidden = !show;
    if (!show) return;
    const matching = SUBCOMMANDS.filter(
      ([sub]) => `${COMMAND} ${sub}`.startsWith(typed) || typed.startsWith(COMMAND),
    );
    this.hints.replaceChildren(
      ...matching.map(([sub, help]) =>
        h(
          "button",
          { type: "button", class: "hint", onclick: () => this.fill(`${COMMAND} ${sub}`) },
          h("b", {}, `${COMMAND} ${sub.trim()}`),
          h("span", {}, ` ${help}`),
        ),
      ),
    );
  }

  fill(text) {
    this.box.value = text;
    this.box.focus();
    this.showHints();
  }
}
