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
  const stage = $("consultation-stage");
  const announcer = $("consultation-stage-announcer");
  const state = root.querySelector("#consultation-present-state");
  const controls = root.querySelector("#consultation-present-controls");
  const choice = root.querySelector("#consultation-present-choice");
  const show = root.querySelector("#consultation-present-show");
  const agenda = root.querySelector("#consultation-present-agenda");
  const end = root.querySelector("#consultation-present-end");
  const alert = root.querySelector("#consultation-present-error");
  const contributions = (data && data.contributions) || [];
  let current = null;

  if (contributions.length) {
    controls.hidden = false;
    for (const item of contributions) {
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
    setText($("consultation-stage-heading"), card.title);
    setText($("consultation-stage-meta"), `${fmt(t.by, { author: card.author, consultation: card.consultation })} · ${t.statuses[card.status] || card.status} · ${plural(t.endorsements, card.endorsements)}`);
    setText($("consultation-stage-body"), card.body);
    $("consultation-stage-link").setAttribute("href", card.url);
    setText(state, fmt(t.shown, { title: card.title }));
    if (speak && (!before || before.contribution_id !== card.contribution_id)) setText(announcer, fmt(t.shown, { title: card.title }));
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

  show.addEventListener("click", () => send("consultation.show_contribution", { contribution_id: Number(choice.value) }, show));
  agenda.addEventListener("click", () => send("consultation.add_to_agenda", { contribution_id: Number(choice.value) }, agenda, t.added));
  end.addEventListener("click", () => send("consultation.show_contribution", { contribution_id: null }, end));

  client.on("rooms.room_synced", (payload) => render(payload.consultation_stage || null, { speak: false }));
  client.on("consultation.stage_changed", (payload) => render(payload.contribution, { speak: true }));
  setText(state, contributions.length ? t.none : t.no_contribution);
  mountResults({ client, root, t: t.results, data });
}

// The results on the stage: the counts of each question, as the results page draws them. A new
// questionnaire is announced; new counts of the same one are not (they may come every few seconds).
function mountResults({ client, root, t, data }) {
  const stage = $("consultation-results-stage");
  const announcer = $("consultation-stage-announcer");
  const state = root.querySelector("#consultation-results-state");
  const controls = root.querySelector("#consultation-results-controls");
  const choice = root.querySelector("#consultation-results-choice");
  const show = root.querySelector("#consultation-results-show");
  const agenda = root.querySelector("#consultation-results-agenda");
  const end = root.querySelector("#consultation-results-end");
  const alert = root.querySelector("#consultation-results-error");
  const questionnaires = (data && data.questionnaires) || [];
  let current = null;

  if (questionnaires.length) {
    controls.hidden = false;
    for (const item of questionnaires) {
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
    setText($("consultation-results-heading"), card.title);
    setText($("consultation-results-meta"), `${fmt(t.of, { consultation: card.consultation })} · ${plural(t.respondents, card.respondents)}`);
    $("consultation-results-questions").replaceChildren(...card.questions.map((result, index) => questionBlock(result, index, t)));
    $("consultation-results-link").setAttribute("href", card.url);
    setText(state, fmt(t.shown, { title: card.title }));
    if (speak && (!before || before.questionnaire_id !== card.questionnaire_id)) setText(announcer, fmt(t.shown, { title: card.title }));
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

  show.addEventListener("click", () => send("consultation.show_results", { questionnaire_id: Number(choice.value) }, show));
  agenda.addEventListener("click", () => send("consultation.add_results_to_agenda", { questionnaire_id: Number(choice.value) }, agenda, t.added));
  end.addEventListener("click", () => send("consultation.show_results", { questionnaire_id: null }, end));

  client.on("rooms.room_synced", (payload) => render(payload.consultation_results_stage || null, { speak: false }));
  client.on("consultation.results_stage_changed", (payload) => render(payload.results, { speak: true }));
  setText(state, questionnaires.length ? t.none : t.no_questionnaire);
}
