// Modal dialogs: the focus goes in, stays in (showModal makes the rest of the page inert),
// and comes back to what opened the dialog, or to `fallback` when that is gone or hidden.

/** Open `dialog` modally; resolve with its returnValue once closed, the focus given back. */
export function openDialog(dialog, { opener, fallback } = {}) {
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const back = opener && opener.isConnected && opener.checkVisibility() ? opener : fallback && fallback();
        if (back) back.focus();
        resolve(dialog.returnValue);
      },
      { once: true },
    );
    dialog.showModal();
  });
}

/** Ask `text` in the page's confirmation dialog; true if the person confirmed. */
export async function confirmAction(text, opener, { fallback } = {}) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-text").textContent = text;
  return (await openDialog(dialog, { opener, fallback })) === "confirm";
}
