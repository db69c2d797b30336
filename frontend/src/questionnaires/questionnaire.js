// Conditional questions: a question with data-show-if is shown only while the earlier question it
// names is answered with data-show-if-value (and is shown itself). Without this script every
// question is shown with its condition in words, and the server ignores the answers of a
// question whose condition is not met: the rule is the server's, this only hides what it ignores.
// The link to the results shows or hides as the person's right to read them changes while the page is
// open (consultation.capabilities_changed on the consultation's socket).
import { RealtimeClient } from "../realtime/client.js";

const form = document.getElementById("questionnaire-form");

function answersOf(question) {
  if (!question || question.hidden) return [];
  return [...question.querySelectorAll("input:checked")].map((input) => input.value);
}

function update() {
  for (const question of form.querySelectorAll("[data-show-if]")) {
    const source = document.getElementById(`question-${question.dataset.showIf}`);
    const shown = answersOf(source).includes(question.dataset.showIfValue);
    if (question.hidden === !shown) continue;
    question.hidden = !shown;
    for (const control of question.querySelectorAll("input, select, textarea")) control.disabled = !shown;
  }
}

if (form) {
  for (const condition of form.querySelectorAll(".question-condition")) condition.hidden = true;
  form.addEventListener("change", update);
  update();
}

const resultsLink = document.getElementById("results-link");

if (resultsLink && resultsLink.dataset.socket) {
  const client = new RealtimeClient(resultsLink.dataset.socket);
  const show = (capabilities) => { resultsLink.hidden = !capabilities.view_results; };
  client.on("consultation.consultation_synced", (payload) => {
    resultsLink.dataset.synced = "1";
    show(payload.capabilities || {});
  });
  client.on("consultation.capabilities_changed", (payload) => show(payload.capabilities));
  client.connect();
}
