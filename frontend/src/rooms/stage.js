// The room page as a meeting stage: the side panel's tabs (WAI-ARIA tabs: arrow keys, Home
// and End move between them), collapsing the side panel, and the facilitators' drawer.
//
// A registered panel's tab shows only while its panel has something to show (the module
// un-hides one of its sections): nobody meets an empty "Workshops" tab.

import { $ } from "../core/dom.js";
import { plural } from "../core/i18n.js";

export function createStage(t) {
  const room = $("room");
  const tablist = $("side-tabs");
  const tabs = () => [...tablist.querySelectorAll('[role="tab"]')];
  const visibleTabs = () => tabs().filter((tab) => !tab.hidden);
  const panelOf = (tab) => $(tab.getAttribute("aria-controls"));

  function select(tab, { focus = false } = {}) {
    for (const other of tabs()) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      panelOf(other).hidden = !selected;
    }
    room.dataset.tab = tab.id.replace(/^tab-/, "");
    if (focus) tab.focus();
  }

  function selected() {
    return tabs().find((tab) => tab.getAttribute("aria-selected") === "true");
  }

  tablist.addEventListener("click", (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (!tab) return;
    gaveWay = null;
    select(tab, { focus: true });
  });

  tablist.addEventListener("keydown", (event) => {
    const list = visibleTabs();
    const index = list.indexOf(document.activeElement);
    if (index < 0) return;
    const next = {
      ArrowRight: list[(index + 1) % list.length],
      ArrowLeft: list[(index - 1 + list.length) % list.length],
      Home: list[0],
      End: list[list.length - 1],
    }[event.key];
    if (!next) return;
    event.preventDefault();
    gaveWay = null;
    select(next, { focus: true });
  });

  // A registered panel's tab follows whether its sections are shown.
  function showsSomething(panel) {
    return [...panel.querySelectorAll(":scope > section, :scope > * > section")].some((section) => !section.hidden);
  }

  // A tab that had to give way (its panel emptied, e.g. while in a breakout room) comes back
  // when its panel does, unless the person chose another tab in between.
  let gaveWay = null;

  function refreshTabs() {
    for (const tab of tabs()) {
      if (!tab.dataset.panelRoot) continue;
      tab.hidden = !showsSomething(panelOf(tab));
    }
    const current = selected();
    if (current && current.hidden) {
      const hadFocus = current === document.activeElement || panelOf(current).contains(document.activeElement);
      select($("tab-chat"), { focus: hadFocus });
      gaveWay = current;
    } else if (gaveWay && !gaveWay.hidden && current === $("tab-chat")) {
      select(gaveWay);
      gaveWay = null;
    }
  }

  for (const tab of tabs()) {
    if (!tab.dataset.panelRoot) continue;
    new MutationObserver(refreshTabs).observe(panelOf(tab), {
      subtree: true,
      attributes: true,
      attributeFilter: ["hidden"],
    });
  }
  refreshTabs();

  // Collapsing the side panel gives the whole width (or height, on a phone) to the video.
  const sideToggle = $("side-toggle");
  sideToggle.addEventListener("click", () => {
    const open = sideToggle.getAttribute("aria-expanded") !== "true";
    sideToggle.setAttribute("aria-expanded", String(open));
    $("side-panel").hidden = !open;
    room.dataset.side = open ? "open" : "closed";
  });

  // The facilitators' drawer: the focus goes to its heading, and back to the toggle on close.
  const drawer = $("facilitator-drawer");
  const drawerToggle = $("drawer-toggle");
  function setDrawer(open, { returnFocus = true } = {}) {
    drawer.hidden = !open;
    drawerToggle.setAttribute("aria-expanded", String(open));
    room.dataset.drawer = open ? "open" : "closed";
    if (open) $("drawer-heading").focus();
    else if (returnFocus && !drawerToggle.hidden) drawerToggle.focus();
  }
  drawerToggle.addEventListener("click", () => setDrawer(drawer.hidden));
  $("drawer-close").addEventListener("click", () => setDrawer(false));
  drawer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      setDrawer(false);
    }
  });

  return {
    /** Open the tab of panel `name` (e.g. "chat", "workshops") without moving the focus. */
    showPanel(name, { focus = false } = {}) {
      const tab = $(`tab-${name}`);
      if (tab && !tab.hidden) select(tab, { focus });
      if ($("side-panel").hidden) sideToggle.click();
    },
    /** Facilitators get the drawer's toggle; others lose it (and the drawer) at once. */
    facilitator(yes) {
      drawerToggle.hidden = !yes;
      if (!yes && !drawer.hidden) setDrawer(false, { returnFocus: false });
    },
    /** How many hands are up, on the participants' tab. */
    handsCount(count) {
      const badge = $("people-tab-hands");
      badge.hidden = count === 0;
      // The number is seen; the words are heard ("2 hands raised"), so the tab stays short.
      const seen = document.createElement("span");
      seen.setAttribute("aria-hidden", "true");
      seen.textContent = String(count);
      const heard = document.createElement("span");
      heard.className = "visually-hidden";
      heard.textContent = plural(t.hands_badge, count);
      badge.replaceChildren(...(count ? [seen, heard] : []));
    },
  };
}
