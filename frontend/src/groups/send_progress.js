// Progress of a notification send: polls the progress URL every second until it is done.
// (Was inline in notification_send_detail.html; the Content-Security-Policy allows no inline script.)

const box = document.getElementById("send-progress");

if (box && box.dataset.status !== "done") {
  const bar = document.getElementById("send-progress-bar");
  const text = document.getElementById("send-progress-text");
  const status = document.getElementById("send-progress-status");
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const figures = await response.json();
        bar.max = Math.max(figures.total, 1);
        bar.value = figures.done;
        text.textContent = text.dataset.template.replace("__DONE__", figures.done).replace("__TOTAL__", figures.total);
        if (figures.status === "done") {
          status.textContent = status.dataset.doneMessage + " " + text.textContent;
          return;
        }
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}
