// Buttons made in script: one shape, and a handler that survives keyed re-renders.

import { element } from "./dom.js";

/**
 * A `<button type="button">` calling `onClick(button)`. The handler is read at each click
 * (`onActivate`), so a button kept across renders by replaceKeepingFocus runs the newest one.
 */
export function button(label, onClick, { className = "button secondary small", focusKey, ariaLabel } = {}) {
  const node = element("button", { className, text: label, attrs: { type: "button" } });
  if (focusKey) node.dataset.focusKey = focusKey;
  if (ariaLabel) node.setAttribute("aria-label", ariaLabel);
  node.onActivate = onClick;
  node.addEventListener("click", () => node.onActivate(node));
  return node;
}

/** A text-like button for actions in lists (mute, remove, move up…). */
export function linkButton(label, onClick) {
  return button(label, onClick, { className: "link-button" });
}

/** Show a toggle's state to everyone: its label and `aria-pressed`. */
export function setPressed(node, pressed, label) {
  node.setAttribute("aria-pressed", String(Boolean(pressed)));
  if (label !== undefined) node.textContent = label;
}
