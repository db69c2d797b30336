// Breakout workshops on the room page: the session log, in a dialog.
// Its functions share workshops.js's state and helpers through `ctx`.

import { $, element } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { secondsUntil } from "../core/clock.js";
import { fmt, plural } from "../core/i18n.js";

export function createLog(ctx) {
  const { w, t, client, confirmAction, people, panelData } = ctx;

  // The session log, in a dialog; the focus goes back to the button that opened it.
  function bindLog() {
    $("workshops-log-open").addEventListener("click", async () => {
      const opener = $("workshops-log-open");
      let result;
      try {
        result = await ctx.send("workshops.log", { session_id: ctx.sessionId() });
      } catch {
        return;
      }
      renderLog(result);
      const dialog = $("workshops-log-dialog");
      dialog.addEventListener(
        "close",
        () => {
          (opener.isConnected && opener.checkVisibility() ? opener : ctx.fallbackFocus()).focus();
        },
        { once: true },
      );
      dialog.showModal();
    });
  }

  function renderLog({ entries, whereabouts }) {
    const where = Object.entries(whereabouts || {}).map(([workshopId, persons]) => {
      const workshop = ctx.workshopById(Number(workshopId));
      return element("li", {
        text: fmt(t.workshops_whereabouts, {
          workshop: workshop ? workshop.name : workshopId,
          names: persons.length ? persons.map((person) => person.name).join(", ") : t.workshops_nobody,
        }),
      });
    });
    $("workshops-whereabouts").replaceChildren(...where);
    const lang = document.documentElement.lang;
    const rows = (entries || []).map((entry) => {
      const row = element("tr");
      const time = element("time", {
        text: new Date(entry.at).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }),
        attrs: { datetime: entry.at },
      });
      const cells = [
        time,
        entry.text ? `${entry.label} (${entry.text})` : entry.label,
        entry.workshop,
        entry.user ? entry.user.name : "",
        entry.actor ? entry.actor.name : "",
      ].map((content) => {
        const cell = element("td");
        cell.append(content);
        return cell;
      });
      row.append(...cells);
      return row;
    });
    if (!rows.length) {
      const row = element("tr");
      row.append(element("td", { text: t.workshops_log_empty, attrs: { colspan: "5" } }));
      rows.push(row);
    }
    $("workshops-log-rows").replaceChildren(...rows);
  }

  return { bindLog, renderLog };
}
