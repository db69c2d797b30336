// Breakout workshops on the room page: the facilitators' panel (preparing, assigning, running and closing the workshops).
// Its functions share workshops.js's state and helpers through `ctx`.

import { $, element } from "../core/dom.js";
import { button } from "../core/buttons.js";
import { secondsUntil } from "../core/clock.js";
import { fmt, plural } from "../core/i18n.js";

const EXTEND_SECONDS = 5 * 60;
const RUNNING = ["open", "closing"];
// Roles that may co-facilitate (rule workshops.cofacilitate_workshop): cofacilitator_set refuses residents.
const COFACILITATOR_ROLES = new Set(["administrator", "facilitator", "member"]);

export function createFacilitatorPanel(ctx) {
  const { w, t, client, confirmAction, people, panelData } = ctx;

  function renderRun(facilitator) {
    $("workshops-run").hidden = !facilitator;
    if (!facilitator) return;
    const view = w.view;
    const mayPrepare = !ctx.inBreakout() && (!view || view.status === "closed");
    const toggle = $("workshops-prepare-toggle");
    toggle.hidden = !mayPrepare;
    if (!view && !mayPrepare) w.preparing = false;
    const formShown = mayPrepare && w.preparing;
    toggle.setAttribute("aria-expanded", String(formShown));
    $("workshops-create-form").hidden = !formShown;
    $("workshops-manage").hidden = !view;
    if (!view) return;
    const running = RUNNING.includes(view.status);
    $("workshops-open-block").hidden = view.status !== "draft";
    $("workshops-running-block").hidden = !running;
    for (const id of ["workshops-timer-set", "workshops-extend", "workshops-timer-minutes", "workshops-close", "workshops-grace"])
      $(id).disabled = view.status !== "open";
    $("workshops-closed-block").hidden = view.status !== "closed";
    $("workshops-listen-help").hidden = !(view.can && view.can.listen_in);
    const drawn = ["random", "groups", "lottery"].includes(view.mode);
    $("workshops-seed").textContent = view.seed && drawn ? fmt(t.workshops_seed, { seed: view.seed }) : "";
    if (document.activeElement !== $("workshops-grace")) $("workshops-grace").value = view.grace_seconds;
    renderOverview(view, running);
    renderAssignments(view);
    renderSettings(view);
    const outputs = $("workshops-outputs");
    outputs.hidden = !panelData;
    if (panelData) outputs.href = panelData.outputs_url.replace(/\/0\/$/, `/${view.session_id}/`);
  }

  // The session's settings, filled from the session unless the facilitator is changing them.
  function renderSettings(view) {
    const form = $("workshops-settings-form");
    if (form.dataset.dirty && form.dataset.sessionId === String(view.session_id)) return;
    delete form.dataset.dirty;
    form.dataset.sessionId = view.session_id;
    $("workshops-settings-title").value = view.title;
    $("workshops-settings-mode").value = view.mode;
    $("workshops-settings-duration").value = Math.round(view.duration_seconds / 60);
    $("workshops-settings-grace").value = view.grace_seconds;
    $("workshops-settings-proposals").value = view.max_proposals;
    $("workshops-settings-followers").checked = Boolean(view.include_followers);
  }

  function membersOf(view, workshopId) {
    return (view.people || []).filter((person) => person.workshop_id === workshopId);
  }

  // The workshops' cards. Each card is kept and updated in place (keyed by the workshop's id)
  // so that a session change while someone edits a card keeps what they typed, the open
  // "Change…" section and the focus.
  function renderOverview(view, running) {
    const list = $("workshops-overview");
    const existing = new Map([...list.children].map((item) => [Number(item.dataset.workshopId), item]));
    const candidates = cofacilitatorCandidates(view);
    const cards = view.workshops.map((workshop) => {
      const item = existing.get(workshop.id) || workshopCard(workshop.id);
      existing.delete(workshop.id);
      updateCard(item, workshop, view, running, candidates);
      return item;
    });
    const lostFocus = [...existing.values()].some((item) => item.contains(document.activeElement));
    for (const item of existing.values()) item.remove();
    cards.forEach((item, index) => {
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
    });
    if (lostFocus) $("workshops-overview-heading").focus();
  }

  function workshopCard(id) {
    const item = element("li", { className: "workshop-card", attrs: { "aria-labelledby": `workshops-card-${id}` } });
    item.dataset.workshopId = id;
    const cofacilitator = element("div", { className: "field" });
    const select = element("select", { attrs: { id: `workshops-cofacilitator-${id}` } });
    select.addEventListener("change", () => setCofacilitator(id, select));
    cofacilitator.append(
      element("label", { text: t.workshops_cofacilitator_label, attrs: { for: select.id } }),
      select,
    );
    item.append(
      element("h4", { attrs: { id: `workshops-card-${id}` } }),
      element("p", { className: "workshops-topic" }),
      element("p", { className: "help workshop-count" }),
      element("ul", { className: "people workshop-members" }),
      element("p", { className: "help workshop-groups" }),
      cofacilitator,
      element("div", { className: "workshops-buttons workshop-visits" }),
      editSection(id),
    );
    return item;
  }

  function updateCard(item, workshop, view, running, candidates) {
    const part = (selector) => item.querySelector(selector);
    part("h4").textContent = workshop.name;
    const topic = part(".workshops-topic");
    topic.textContent = workshop.topic || "";
    topic.hidden = !workshop.topic;
    const members = membersOf(view, workshop.id);
    part(".workshop-count").textContent =
      workshop.capacity !== null
        ? plural(t.workshops_capacity, members.length, { size: members.length, capacity: workshop.capacity })
        : members.length === 0
          ? t.workshops_nobody
          : plural(t.workshops_people, members.length);
    const list = part(".workshop-members");
    list.replaceChildren(...members.map((person) => element("li", { text: person.name })));
    list.hidden = members.length === 0;
    const groups = workshop.groups || [];
    const groupsLine = part(".workshop-groups");
    groupsLine.textContent = groups.length
      ? fmt(t.workshops_groups_of, { names: groups.map((group) => group.name).join(", ") })
      : "";
    groupsLine.hidden = groups.length === 0;
    updateCofacilitator(part("select"), workshop, candidates);
    const visits = part(".workshop-visits");
    const buttons = [];
    if (running && !(w.room && w.room.id === workshop.room_id)) {
      buttons.push(
        button(fmt(t.workshops_visit, { name: workshop.name }), () => visit(workshop, false), {
          focusKey: `visit-${workshop.id}`,
        }),
      );
      if (view.can && view.can.listen_in)
        buttons.push(
          button(fmt(t.workshops_listen_in, { name: workshop.name }), () => visit(workshop, true), {
            focusKey: `listen-${workshop.id}`,
          }),
        );
    }
    ctx.replaceKeepingFocus(visits, buttons, () => part("select"));
    visits.hidden = buttons.length === 0;
    updateEditSection(part(".workshop-edit"), workshop, running);
  }

  // Who may co-facilitate: the members of the council here (the server refuses anyone else,
  // council/workshops/permissions.py), and whoever co-facilitates now.
  function cofacilitatorCandidates(view) {
    const names = new Map();
    for (const [id, person] of people())
      if (!(w.me && id === w.me.id) && COFACILITATOR_ROLES.has(person.role)) names.set(id, person.name);
    for (const workshop of view.workshops)
      if (workshop.cofacilitator) names.set(workshop.cofacilitator.id, workshop.cofacilitator.name);
    return [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  function updateCofacilitator(select, workshop, candidates) {
    const signature = JSON.stringify(candidates);
    if (select.dataset.signature !== signature) {
      select.replaceChildren(
        element("option", { text: t.workshops_no_cofacilitator, attrs: { value: "" } }),
        ...candidates.map((person) => element("option", { text: person.name, attrs: { value: String(person.id) } })),
      );
      select.dataset.signature = signature;
    }
    select.value = workshop.cofacilitator ? String(workshop.cofacilitator.id) : "";
  }

  function setCofacilitator(workshopId, select) {
    const userId = select.value ? Number(select.value) : null;
    const person = select.selectedOptions[0] ? select.selectedOptions[0].textContent : "";
    ctx.send("workshops.set_cofacilitator", { workshop_id: workshopId, user_id: userId })
      .then(() => {
        const workshop = ctx.workshopById(workshopId);
        const name = workshop ? workshop.name : "";
        ctx.runStatus(
          userId === null
            ? fmt(t.workshops_cofacilitator_removed, { name })
            : fmt(t.workshops_cofacilitator_set, { person, name }),
        );
      })
      .catch(() => ctx.render()); // back to what the server has
  }

  // "Change…": name, topic and places (saved together), the groups the workshop is for
  // (saved on each tick), and removing it while the workshops are not running.
  function editSection(id) {
    const details = element("details", { className: "workshop-edit" });
    const summary = element("summary");
    const form = element("form", { className: "workshop-edit-form" });
    const field = (labelText, control, className = "field") => {
      const box = element("div", { className });
      box.append(element("label", { text: labelText, attrs: { for: control.id } }), control);
      return box;
    };
    const name = element("input", {
      className: "workshop-edit-name",
      attrs: { id: `workshops-edit-name-${id}`, maxlength: "120", required: "" },
    });
    const topic = element("textarea", {
      className: "workshop-edit-topic",
      attrs: { id: `workshops-edit-topic-${id}`, rows: "2", maxlength: "2000" },
    });
    const capacity = element("input", {
      className: "workshop-edit-capacity",
      attrs: {
        id: `workshops-edit-capacity-${id}`,
        type: "number",
        min: "1",
        max: "1000",
        inputmode: "numeric",
        "aria-describedby": `workshops-edit-capacity-help-${id}`,
      },
    });
    const capacityField = field(t.workshops_capacity_label, capacity);
    capacityField.append(
      element("p", {
        className: "help",
        text: t.workshops_capacity_help,
        attrs: { id: `workshops-edit-capacity-help-${id}` },
      }),
    );
    form.append(
      field(t.workshops_name_label, name),
      field(t.workshops_topic_label, topic, "field wide"),
      capacityField,
      element("button", { className: "button secondary small", text: t.workshops_save, attrs: { type: "submit" } }),
    );
    form.addEventListener("input", () => {
      form.dataset.dirty = "1";
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveWorkshop(id, form);
    });
    details.addEventListener("toggle", () => {
      if (details.open) return;
      // Closed without saving: what was typed is dropped, the fields show the workshop again.
      delete form.dataset.dirty;
      const workshop = ctx.workshopById(id);
      if (workshop) updateEditSection(details, workshop, RUNNING.includes(w.view.status));
    });
    const groups = element("fieldset", { className: "workshop-groups-choice" });
    groups.append(element("legend", { text: t.workshops_groups_legend }));
    const councilGroups = panelData ? panelData.groups : [];
    if (!councilGroups.length) groups.append(element("p", { className: "help", text: t.workshops_no_groups }));
    for (const group of councilGroups) {
      const box = element("div", { className: "field check" });
      const check = element("input", {
        attrs: { type: "checkbox", id: `workshops-group-${id}-${group.id}`, value: String(group.id) },
      });
      check.addEventListener("change", () => saveGroups(id, groups));
      box.append(check, element("label", { text: group.name, attrs: { for: check.id } }));
      groups.append(box);
    }
    groups.hidden = !panelData;
    const remove = element("button", {
      className: "button danger small workshop-remove",
      text: t.workshops_remove,
      attrs: { type: "button" },
    });
    remove.addEventListener("click", () => removeWorkshop(id, remove));
    details.append(summary, form, groups, remove);
    return details;
  }

  function updateEditSection(details, workshop, running) {
    details.querySelector("summary").textContent = fmt(t.workshops_edit, { name: workshop.name });
    const form = details.querySelector("form");
    if (!form.dataset.dirty) {
      form.querySelector(".workshop-edit-name").value = workshop.name;
      form.querySelector(".workshop-edit-topic").value = workshop.topic || "";
      form.querySelector(".workshop-edit-capacity").value = workshop.capacity ?? "";
    }
    const linked = new Set((workshop.groups || []).map((group) => group.id));
    for (const check of details.querySelectorAll(".workshop-groups-choice input"))
      check.checked = linked.has(Number(check.value));
    // The server keeps a workshop while the session runs (its people are in it).
    details.querySelector(".workshop-remove").hidden = running;
  }

  function saveWorkshop(id, form) {
    const name = form.querySelector(".workshop-edit-name").value.trim();
    const capacityText = form.querySelector(".workshop-edit-capacity").value.trim();
    if (!name) {
      ctx.failed({ message: t.workshops_name_required });
      form.querySelector(".workshop-edit-name").focus();
      return;
    }
    ctx.send("workshops.update_workshop", {
      workshop_id: id,
      name,
      topic: form.querySelector(".workshop-edit-topic").value.trim(),
      capacity: capacityText ? Number.parseInt(capacityText, 10) : null,
    })
      .then(() => {
        delete form.dataset.dirty;
        ctx.runStatus(fmt(t.workshops_saved, { name }));
      })
      .catch(() => {});
  }

  function saveGroups(id, fieldset) {
    const groupIds = [...fieldset.querySelectorAll("input:checked")].map((check) => Number(check.value));
    ctx.send("workshops.update_workshop", { workshop_id: id, group_ids: groupIds })
      .then(() => {
        const workshop = ctx.workshopById(id);
        ctx.runStatus(fmt(t.workshops_groups_saved, { name: workshop ? workshop.name : "" }));
      })
      .catch(() => ctx.render());
  }

  async function removeWorkshop(id, opener) {
    const workshop = ctx.workshopById(id);
    if (!workshop) return;
    if (!(await confirmAction(fmt(t.workshops_confirm_remove, { name: workshop.name }), opener))) return;
    try {
      await ctx.send("workshops.remove_workshop", { workshop_id: id });
    } catch {
      return; // the server's reason is in the alert; the focus stays on the button
    }
    ctx.runStatus(fmt(t.workshops_removed, { name: workshop.name }));
    $("workshops-overview-heading").focus(); // its card is gone (or about to go)
  }

  function visit(workshop, hidden) {
    ctx.send("workshops.visit", { workshop_id: workshop.id, hidden }).catch(() => {});
  }

  // One labelled select per person: keyboard-usable assignment by hand. Rows are kept and
  // updated in place so a select being used keeps its focus when the session changes.
  function renderAssignments(view) {
    const byId = new Map();
    for (const [id, person] of people()) {
      if (w.me && id === w.me.id) continue;
      byId.set(id, { id, name: person.name, workshop_id: null });
    }
    for (const person of view.people || []) byId.set(person.id, { ...byId.get(person.id), ...person });
    const rows = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
    const body = $("workshops-assign-rows");
    const existing = new Map([...body.children].map((row) => [Number(row.dataset.userId), row]));
    const signature = JSON.stringify(view.workshops.map((workshop) => [workshop.id, workshop.name]));
    const ordered = rows.map((person) => {
      let row = existing.get(person.id);
      if (!row) row = assignmentRow(person);
      existing.delete(person.id);
      const select = row.querySelector("select");
      row.querySelector("th").textContent = person.name;
      select.setAttribute("aria-label", fmt(t.workshops_assign_label, { name: person.name }));
      if (select.dataset.signature !== signature) {
        select.replaceChildren(
          element("option", { text: t.workshops_plenary_option, attrs: { value: "" } }),
          ...view.workshops.map((workshop) => element("option", { text: workshop.name, attrs: { value: String(workshop.id) } })),
        );
        select.dataset.signature = signature;
      }
      select.value = person.workshop_id ? String(person.workshop_id) : "";
      return row;
    });
    const hadFocus = [...existing.values()].some((row) => row.contains(document.activeElement));
    for (const row of existing.values()) row.remove();
    ordered.forEach((row, index) => {
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
    });
    if (hadFocus) ctx.fallbackFocus().focus();
    $("workshops-assign").hidden = rows.length === 0;
    $("workshops-assign-empty").hidden = rows.length > 0;
  }

  function assignmentRow(person) {
    const row = element("tr");
    row.dataset.userId = person.id;
    const name = element("th", { attrs: { scope: "row" } });
    const cell = element("td");
    const select = element("select");
    select.id = `workshops-assign-${person.id}`;
    select.dataset.userId = person.id;
    select.addEventListener("change", () => {
      const value = select.value ? Number(select.value) : null;
      ctx.send("workshops.assign", { session_id: ctx.sessionId(), user_id: person.id, workshop_id: value }).catch(() => ctx.render());
    });
    cell.append(select);
    row.append(name, cell);
    return row;
  }

  function bindFacilitatorControls() {
    function workshopSpecs() {
      const lines = $("workshops-specs")
        .value.split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length) {
        return lines.map((line) => {
          const [name, topic = "", capacity = ""] = line.split(/[;|]/).map((part) => part.trim());
          const spec = { name, topic };
          const places = Number.parseInt(capacity, 10);
          if (places > 0) spec.capacity = places;
          return spec;
        });
      }
      const count = Number.parseInt($("workshops-count").value, 10);
      if (!(count > 0)) return [];
      return Array.from({ length: count }, (_, index) => ({ name: fmt(t.workshops_workshop_n, { number: index + 1 }) }));
    }

    $("workshops-prepare-toggle").addEventListener("click", () => {
      const open = !w.preparing;
      w.preparing = open;
      ctx.render();
      if (open) $("workshops-title").focus();
    });

    $("workshops-create-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const specs = workshopSpecs();
      if (!specs.length) {
        ctx.failed({ message: t.workshops_specs_invalid });
        return;
      }
      const minutes = Number.parseInt($("workshops-duration").value, 10) || 20;
      ctx.send("workshops.create_session", {
        title: $("workshops-title").value.trim(),
        workshops: specs,
        mode: $("workshops-mode").value,
        duration_seconds: minutes * 60,
      })
        .then(() => {
          w.preparing = false;
          $("workshops-specs").value = "";
          $("room-alert").textContent = "";
          ctx.runStatus(t.workshops_created);
          ctx.render();
          $("workshops-heading").focus();
        })
        .catch(() => {});
    });

    async function draw(mode) {
      if (mode === "lottery") {
        const strata = $("workshops-strata")
          .value.split(",")
          .map((key) => key.trim())
          .filter(Boolean);
        await ctx.send("workshops.update_session", { session_id: ctx.sessionId(), strata });
      }
      const result = await ctx.send("workshops.draw", { session_id: ctx.sessionId(), mode });
      const unplaced = Array.isArray(result.unplaced) ? result.unplaced.length : result.unplaced;
      ctx.runStatus(
        fmt(t.workshops_drawn, {
          seed: result.seed,
          assigned: plural(t.workshops_drawn_assigned, result.assigned),
          unplaced: plural(t.workshops_drawn_unplaced, unplaced),
        }),
      );
    }

    for (const mode of ["random", "groups", "lottery"])
      $(`workshops-draw-${mode}`).addEventListener("click", () => draw(mode).catch(() => {}));

    $("workshops-csv-file").addEventListener("change", async () => {
      const [file] = $("workshops-csv-file").files;
      if (file) $("workshops-csv").value = await file.text();
    });

    $("workshops-import").addEventListener("click", async () => {
      const errors = $("workshops-import-errors");
      const text = $("workshops-csv").value;
      if (!text.trim()) {
        errors.textContent = t.workshops_import_empty;
        return;
      }
      errors.replaceChildren();
      try {
        const result = await ctx.send("workshops.import_list", { session_id: ctx.sessionId(), csv_text: text });
        ctx.runStatus(plural(t.workshops_imported, result.assigned));
        if (result.errors && result.errors.length) {
          const list = element("ul");
          list.append(...result.errors.map((message) => element("li", { text: message })));
          errors.append(list);
        }
      } catch {
        // shown by send()
      }
    });

    $("workshops-settings-form").addEventListener("input", () => {
      $("workshops-settings-form").dataset.dirty = "1";
    });
    $("workshops-settings").addEventListener("toggle", () => {
      if ($("workshops-settings").open) return;
      delete $("workshops-settings-form").dataset.dirty; // closed without saving: show the session again
      if (w.view) renderSettings(w.view);
    });

    $("workshops-settings-form").addEventListener("submit", (event) => {
      event.preventDefault(); // the browser checked the numbers' ranges before this
      const number = (id) => Number.parseInt($(id).value, 10);
      ctx.send("workshops.update_session", {
        session_id: ctx.sessionId(),
        title: $("workshops-settings-title").value.trim(),
        mode: $("workshops-settings-mode").value,
        duration_seconds: number("workshops-settings-duration") * 60,
        grace_seconds: number("workshops-settings-grace"),
        max_proposals: number("workshops-settings-proposals"),
        include_followers: $("workshops-settings-followers").checked,
      })
        .then(() => {
          delete $("workshops-settings-form").dataset.dirty;
          ctx.runStatus(t.workshops_settings_saved);
          if (w.view) renderSettings(w.view);
        })
        .catch(() => {});
    });

    $("workshops-add-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = $("workshops-add-name").value.trim();
      if (!name) {
        ctx.failed({ message: t.workshops_name_required });
        $("workshops-add-name").focus();
        return;
      }
      const capacity = Number.parseInt($("workshops-add-capacity").value, 10);
      const payload = { session_id: ctx.sessionId(), name, topic: $("workshops-add-topic").value.trim() };
      if (capacity > 0) payload.capacity = capacity;
      ctx.send("workshops.add_workshop", payload)
        .then(() => {
          for (const id of ["workshops-add-name", "workshops-add-topic", "workshops-add-capacity"]) $(id).value = "";
          ctx.runStatus(fmt(t.workshops_added, { name }));
          $("workshops-add-name").focus(); // ready for the next one
        })
        .catch(() => {});
    });

    $("workshops-open").addEventListener("click", () =>
      ctx.send("workshops.open", { session_id: ctx.sessionId() })
        .then(() => ctx.runStatus(t.workshops_opened))
        .catch(() => {}),
    );


    $("workshops-timer-set").addEventListener("click", () => {
      const minutes = Number.parseInt($("workshops-timer-minutes").value, 10);
      if (minutes >= 0) setTimeLeft(minutes * 60).catch(() => {});
    });
    $("workshops-extend").addEventListener("click", () => extend().catch(() => {}));

    $("workshops-broadcast-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("workshops-broadcast-text");
      const text = input.value.trim();
      if (!text) {
        ctx.failed({ message: t.empty_message });
        return;
      }
      ctx.send("workshops.broadcast", { session_id: ctx.sessionId(), text })
        .then(() => {
          input.value = "";
          ctx.runStatus(t.workshops_broadcast_sent);
        })
        .catch(() => {});
    });

    $("workshops-close").addEventListener("click", async () => {
      const grace = Number.parseInt($("workshops-grace").value, 10);
      const seconds = grace >= 0 ? grace : w.view.grace_seconds;
      if (!(await confirmAction(plural(t.workshops_confirm_close, seconds, { seconds }), $("workshops-close")))) return;
      ctx.send("workshops.close", { session_id: ctx.sessionId(), grace_seconds: seconds }).catch(() => {});
    });

    for (const [id, shuffle] of [
      ["workshops-reopen", false],
      ["workshops-reopen-shuffle", true],
    ])
      $(id).addEventListener("click", () =>
        ctx.send("workshops.reopen", { session_id: ctx.sessionId(), shuffle })
          .then(() => ctx.runStatus(t.workshops_reopened))
          .catch(() => {}),
      );

    $("workshops-duplicate").addEventListener("click", () =>
      ctx.send("workshops.duplicate", { session_id: ctx.sessionId(), keep_assignments: $("workshops-duplicate-keep").checked })
        .then(() => ctx.runStatus(t.workshops_duplicated))
        .catch(() => {}),
    );

    $("workshops-new").addEventListener("click", () => {
      w.preparing = true;
      ctx.render();
      $("workshops-title").focus();
    });

    $("workshops-return").addEventListener("click", () => ctx.send("workshops.return").catch(() => {}));
  }

  function setTimeLeft(seconds) {
    return ctx.send("workshops.set_timer", { session_id: ctx.sessionId(), seconds_left: seconds }).then(() =>
      ctx.runStatus(plural(t.workshops_timer_set, Math.round(seconds / 60), { minutes: Math.round(seconds / 60) })),
    );
  }

  function extend() {
    const left = w.view ? secondsUntil(w.view.ends_at) || 0 : 0;
    return setTimeLeft(left + EXTEND_SECONDS);
  }

  return { renderRun, renderSettings, membersOf, renderOverview, workshopCard, updateCard, cofacilitatorCandidates, updateCofacilitator, setCofacilitator, editSection, updateEditSection, saveWorkshop, saveGroups, removeWorkshop, visit, renderAssignments, assignmentRow, bindFacilitatorControls, setTimeLeft, extend };
}
