// A contribution and a questionnaire's results on the meeting's stage (templates/consultation/_stage.html)
// and their tab (templates/consultation/_stage_panel.html).
//
// mount({ client, root, t, data }): a panel of the room page (council/consultation/meetings/apps.py).
// `rooms.room_synced` brings `consultation_stage` (the card, or null) and
// `consultation.stage_changed` replaces it whole, so a missed event is repaired by the next one
// or a resync. Those who run the meeting (data.contributions, what they may bring in) show a
// contribution, take it off, or put it on the agenda; the server checks the right again.
// Questionnaire results work the same way (`consultation_results_stage`,
// `consultation.results_stage_changed`, which also brings new counts while answers come in).
import { $, element, setText } from "../core/dom.js";
import { fmt, plural } from "../core/i18n.js";
import { questionBlock } from "../questionnaires/charts.js";

export function mount({ client, root, t, data }) {
  presenter({
    client, root, t, panel: "consultation-present", stage: $("consultation-stage"),
    items: (data && data.contributions) || [], emptyText: t.no_contribution,
    idField: "contribution_id", show: "consultation.show_contribution",
    addToAgenda: "consultation.add_to_agenda", snapshotKey: "consultation_stage",
    event: "consultation.stage_changed", eventKey: "contribution",
    draw(card) {
      setText($("consultation-stage-heading"), card.title);
      setText($("consultation-stage-meta"), `${fmt(t.by, { author: card.author, consultation: card.consultation })} · ${t.statuses[card.status] || card.status} · ${plural(t.endorsements, card.endorsements)}`);
      setText($("consultation-stage-body"), card.body);
      $("consultation-stage-link").setAttribute("href", card.url);
    },
  });
  // A new questionnaire is announced; new counts of the same one are not (they may come every few seconds).
  const tr = t.results;
  presenter({
    client, root, t: tr, panel: "consultation-results", stage: $("consultation-results-stage"),
    items: (data && data.questionnaires) || [], emptyText: tr.no_questionnaire,
    idField: "questionnaire_id", show: "consultation.show_results",
    addToAgenda: "consultation.add_results_to_agenda", snapshotKey: "consultation_results_stage",
    event: "consultation.results_stage_changed", eventKey: "results",
    draw(card) {
      setText($("consultation-results-heading"), card.title);
      setText($("consultation-results-meta"), `${fmt(tr.of, { consultation: card.consultation })} · ${plural(tr.respondents, card.respondents)}`);
      $("consultation-results-questions").replaceChildren(...card.questions.map((result, index) => questionBlock(result, index, tr)));
      $("consultation-results-link").setAttribute("href", card.url);
    },
  });
}

// One thing on the stage and its tab's controls (choose, show, put on the agenda, take off): the
// contribution and the results differ only by their ids, commands, events and how a card is drawn.
function presenter({ client, root, t, panel, stage, items, emptyText, idField, show: showType, addToAgenda, snapshotKey, event, eventKey, draw }) {
  const announcer = $("consultation-stage-announcer");
  const part = (name) => root.querySelector(`#${panel}-${name}`);
  const state = part("state");
  const choice = part("choice");
  const show = part("show");
  const agenda = part("agenda");
  const end = part("end");
  const alert = part("error");
  let current = null;

  if (items.length) {
    part("controls").hidden = false;
    for (const item of items) {
      choice.append(element("option", { text: `${item.title} (${item.consultation})`, attrs: { value: String(item.id) } }));
    }
  }

  function render(card, { speak }) {
    const before = current;
    current = card;
    stage.hidden = !card;
    end.disabled = !card;
    if (!card) {
      setText(state, t.none);
      if (speak && before) setText(announcer, t.ended);
      return;
    }
    draw(card);
    setText(state, fmt(t.shown, { title: card.title }));
    if (speak && (!before || before[idField] !== card[idField])) setText(announcer, fmt(t.shown, { title: card.title }));
  }

  async function send(type, payload, button, done) {
    alert.textContent = "";
    button.disabled = true;
    try {
      await client.send(type, payload);
      if (done) setText(state, done);
    } catch (refused) {
      if (refused && refused.code !== "closed") alert.textContent = fmt(t.error, { message: refused.message || String(refused) });
    } finally {
      button.disabled = false;
      end.disabled = !current;
      [button, show].find((candidate) => !candidate.disabled)?.focus();
    }
  }

  show.addEventListener("click", () => send(showType, { [idField]: Number(choice.value) }, show));
  agenda.addEventListener("click", () => send(addToAgenda, { [idField]: Number(choice.value) }, agenda, t.added));
  end.addEventListener("click", () => send(showType, { [idField]: null }, end));

  client.on("rooms.room_synced", (payload) => render(payload[snapshotKey] || null, { speak: false }));
  client.on(event, (payload) => render(payload[eventKey], { speak: true }));
  setText(state, items.length ? t.none : emptyText);
}
