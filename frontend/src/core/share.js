// "Copy the link" of the share section (templates/core/_share.html): the button shows only
// with script; without it, the address stays in a read-only field to copy by hand.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied;
    } catch {
      field.focus();
      field.select();
      status.textContent = button.dataset.copyFailed;
    }
  });
}
