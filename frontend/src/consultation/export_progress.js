// Progress of a consultation export: polls the progress URL every second until the file is ready
// (the same shape as groups/send_progress.js), then shows the download link.

const box = document.getElementById("export-progress");

if (box && !["done", "failed"].includes(box.dataset.status)) {
  const bar = document.getElementById("export-progress-bar");
  const text = document.getElementById("export-progress-text");
  const status = document.getElementById("export-progress-status");
  const download = document.getElementById("export-download");
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const figures = await response.json();
        bar.max = Math.max(figures.total, 1);
        bar.value = figures.done;
        text.textContent = text.dataset.template.replace("__DONE__", figures.done).replace("__TOTAL__", figures.total);
        if (figures.status === "done") {
          status.textContent = status.dataset.doneMessage;
          download.hidden = false;
          return;
        }
        if (figures.status === "failed") {
          status.textContent = status.dataset.failedMessage;
          return;
        }
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}
