// The "Sitting" tab of the room: quorum badge, presence counts, the person's presence and
// proxies, requests for a roll-call vote or a secret ballot; for officials, opening and
// closing the sitting, choosing its president (when opening it, or since), checking the quorum,
// the sign-in sheet and the hall's rotating QR code.
//
// State comes from the snapshot's `assembly` section and `assembly.quorum_changed` (the
// sitting's public state, after every change); `assembly.presence_changed` updates the
// person's own presence. What a person may do is the server's answer: a refused command
// shows its error, nothing is decided here.

import { fmt } from "../core/i18n.js";

const QR_REFRESH_MS = 30_000;

export function mount({ client, root, t, data }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const el = {
    quorum: $("assembly-quorum"),
    counts: $("assembly-counts"),
    president: $("assembly-president"),
    presidentChoice: $("assembly-president-choice"),
    presidentSelect: $("assembly-president-select"),
    presidentSet: $("assembly-president-set"),
    rulesNote: $("assembly-rules-note"),
    run: $("assembly-run"),
    open: $("assembly-open"),
    reconveneLabel: $("assembly-reconvene-label"),
    reconvene: $("assembly-reconvene"),
    check: $("assembly-check"),
    close: $("assembly-close"),
    links: $("assembly-official-links"),
    signIn: $("assembly-sign-in-link"),
    hall: $("assembly-hall-link"),
    qr: $("assembly-qr"),
    me: $("assembly-me"),
    proxies: $("assembly-proxies"),
    proxiesLink: $("assembly-proxies-link"),
    requests: $("assembly-requests"),
    requestCounts: $("assembly-requests-counts"),
    rollCall: $("assembly-roll-call"),
    secret: $("assembly-secret"),
    error: $("assembly-error"),
  };
  const official = data && data.official;
  let state = { sitting: null };
  let me = null; // { in_office, presence, proxies_given, proxies_held, requests }
  let myId = null;
  let lastClosedId = null;
  let qrTimer = null;
  let focusNext = null; // the button to focus once the state shows it (the ack and the event race)
  let presidentPicked = false; // an official's pick in the president select, not yet applied

  if (data && data.proxies_url) el.proxiesLink.href = data.proxies_url;
  if (data && data.rules_url) {
    $("assembly-rules-link").href = data.rules_url;
    $("assembly-rules-link-line").hidden = false;
  }
  el.run.hidden = !official;
  if (official) {
    for (const person of official.people || []) {
      const option = document.createElement("option");
      option.value = String(person.id);
      option.textContent = person.name;
      el.presidentSelect.append(option);
    }
    el.presidentChoice.hidden = !el.presidentSelect.options.length;
  }

  function showError(message) {
    el.error.textContent = message ? fmt(t.error, { message }) : "";
  }

  function sittingUrl(template, id) {
    return template.replace("/0/", `/${id}/`);
  }

  function renderQuorum() {
    const sitting = state.sitting;
    if (!sitting) {
      el.quorum.textContent = t.no_sitting;
      el.quorum.dataset.met = "";
      el.counts.textContent = "";
      el.rulesNote.textContent = "";
      el.president.hidden = true;
      return;
    }
    el.president.hidden = false;
    el.president.textContent = sitting.president ? fmt(t.president, { name: sitting.president.name }) : t.no_president;
    const q = sitting.quorum;
    const values = { present: q.present_counted, required: q.required, in_office: q.in_office };
    let text = fmt(q.met ? t.quorum_met : t.quorum_not_met, values);
    if (!q.met && q.without_quorum_allowed) text += ` ${t.without_quorum}`;
    el.quorum.textContent = text;
    el.quorum.dataset.met = q.met || q.without_quorum_allowed ? "yes" : "no";
    el.counts.textContent = fmt(t.counts, sitting.present);
    el.rulesNote.textContent = [
      q.online_counts ? t.online_counted : t.online_not_counted,
      q.proxies_count ? "" : t.proxies_not_counted,
    ].filter(Boolean).join(" ");
  }

  function renderOfficial() {
    if (!official) return;
    const sitting = state.sitting;
    el.open.hidden = Boolean(sitting);
    el.presidentSet.hidden = !sitting;
    // The select shows who presides (before opening: the official themself, if in office),
    // unless the official has picked someone and not yet applied the choice.
    if (!presidentPicked) {
      const shown = sitting ? sitting.president && sitting.president.id : myId;
      if (shown && [...el.presidentSelect.options].some((o) => o.value === String(shown))) {
        el.presidentSelect.value = String(shown);
      }
    }    el.reconveneLabel.hidden = Boolean(sitting) || lastClosedId === null;
    el.check.hidden = !sitting;
    el.close.hidden = !sitting;
    el.links.hidden = !sitting;
    el.qr.hidden = !sitting;
    clearInterval(qrTimer);
    if (focusNext && !focusNext.hidden) {
      focusNext.focus();
      focusNext = null;
    }
    if (!sitting) return;
    el.signIn.href = sittingUrl(official.sign_in_url, sitting.id);
    el.hall.href = sittingUrl(official.hall_screen_url, sitting.id);
    const refreshQr = () => {
      el.qr.src = `${sittingUrl(official.qr_url, sitting.id)}?t=${Date.now()}`;
    };
    refreshQr();
    qrTimer = setInterval(refreshQr, QR_REFRESH_MS);
  }

  function names(list) {
    return list.map((proxy) => proxy.name).join(", ");
  }

  function renderMe() {
    if (!me) return;
    const sitting = state.sitting;
    if (!me.in_office) el.me.textContent = t.me_not_in_office;
    else if (!sitting) el.me.textContent = "";
    else if (me.presence === "hall") el.me.textContent = t.me_hall;
    else if (me.presence === "online") el.me.textContent = t.me_online;
    else el.me.textContent = t.me_absent;
    const parts = [];
    if (me.proxies_held.length) parts.push(fmt(t.held, { names: names(me.proxies_held) }));
    if (me.proxies_given.length) parts.push(fmt(t.given, { names: names(me.proxies_given) }));
    el.proxies.textContent = parts.join(" ");
    el.proxiesLink.hidden = !me.in_office && !official;
    renderRequests();
  }

  function renderRequests() {
    const sitting = state.sitting;
    el.requests.hidden = !sitting || !me || !me.in_office;
    if (el.requests.hidden) return;
    const r = sitting.requests;
    let text = fmt(t.requests, {
      roll: r.roll_call.count,
      roll_needed: r.roll_call.needed,
      secret: r.secret.count,
      secret_needed: r.secret.needed,
    });
    if (r.roll_call.met) text += ` ${t.roll_call_met}`;
    if (r.secret.met) text += ` ${t.secret_met}`;
    el.requestCounts.textContent = text;
    for (const [button, kind] of [
      [el.rollCall, "roll_call"],
      [el.secret, "secret"],
    ]) {
      const asked = me.requests.includes(kind);
      button.setAttribute("aria-pressed", String(asked));
      button.textContent = asked ? t[`withdraw_${kind}`] : t[`ask_${kind}`];
    }
  }

  function render() {
    renderQuorum();
    renderOfficial();
    renderMe();
  }

  function applyPublic(payload) {
    if (state.sitting && !payload.sitting) lastClosedId = state.sitting.id;
    state = { sitting: payload.sitting };
  }

  async function run(type, payload = {}) {
    showError("");
    try {
      return await client.send(type, payload);
    } catch (error) {
      showError(error && error.message ? error.message : String(error));
      return null;
    }
  }

  function chosenPresident() {
    const value = el.presidentSelect.value;
    return value ? Number(value) : null;
  }

  el.presidentSelect.addEventListener("change", () => {
    presidentPicked = true;
  });
  el.open.addEventListener("click", async () => {
    const reconvened = el.reconvene.checked && lastClosedId !== null ? lastClosedId : null;
    const payload = { reconvened_from: reconvened };
    if (chosenPresident() !== null) payload.president_id = chosenPresident();
    if (await run("assembly.open_sitting", payload)) {
      presidentPicked = false;
      focusWhenShown(el.check);
    }
  });
  el.presidentSet.addEventListener("click", async () => {
    const userId = chosenPresident();
    if (userId === null) return;
    if (await run("assembly.set_president", { user_id: userId })) presidentPicked = false;
  });
  el.check.addEventListener("click", () => run("assembly.check_quorum"));
  el.close.addEventListener("click", async () => {
    if (await run("assembly.close_sitting")) focusWhenShown(el.open);
  });

  function focusWhenShown(button) {
    if (button.hidden) focusNext = button;
    else button.focus();
  }
  el.rollCall.addEventListener("click", () => toggleRequest("roll_call"));
  el.secret.addEventListener("click", () => toggleRequest("secret"));

  async function toggleRequest(kind) {
    const asked = me.requests.includes(kind);
    const type = asked
      ? "assembly.withdraw_request"
      : kind === "roll_call"
        ? "assembly.request_roll_call"
        : "assembly.request_secret_ballot";
    const answer = await run(type, asked ? { kind } : {});
    if (answer) {
      me.requests = answer.requests;
      renderRequests();
    }
  }

  client.on("rooms.room_synced", (snapshot) => {
    myId = snapshot.me ? snapshot.me.id : myId;
    const section = snapshot.assembly;
    if (!section) return;
    applyPublic(section);
    me = section.me;
    render();
  });
  client.on("assembly.quorum_changed", (payload) => {
    applyPublic(payload);
    if (me && !payload.sitting) me.requests = [];
    render();
  });
  client.on("assembly.presence_changed", (payload) => {
    if (!me || payload.user_id !== myId) return;
    me.presence = payload.kind;
    renderMe();
  });
}
