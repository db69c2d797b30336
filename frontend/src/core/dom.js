// Building and updating the page with text nodes only (never HTML from strings).

export const $ = (id) => document.getElementById(id);

/** A new element with a class, text (as a text node) and attributes. */
export function element(tag, { className, text, attrs } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

/** Set `node`'s text only when it changes, so a live region speaks only for real news. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Replace a list's items, keeping in place each node that comes back unchanged (same
 * `data-focus-key`, label and state), so a pointer or the keyboard focus on it is not lost
 * to a re-render; when the focused one does not come back, the focus goes to `fallback()`.
 */
export function replaceKeepingFocus(container, items, fallback) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  const current = new Map(
    [...container.children].filter((n) => n.dataset.focusKey).map((n) => [n.dataset.focusKey, n]),
  );
  const nodes = items.map((item) => {
    const kept = item.dataset && item.dataset.focusKey && current.get(item.dataset.focusKey);
    if (!kept || !kept.isEqualNode(item)) return item;
    kept.onActivate = item.onActivate;
    return kept;
  });
  const same =
    nodes.length === container.children.length && nodes.every((node, index) => container.children[index] === node);
  if (same) return;
  container.replaceChildren(...nodes);
  if (focused && !container.contains(document.activeElement)) {
    const again = [...container.querySelectorAll("[data-focus-key]")].find((n) => n.dataset.focusKey === focused);
    const target = again && !again.disabled ? again : fallback && fallback();
    if (target) target.focus();
  }
}
