// The results page of a budget: the officials' progress while the results are computed (polled,
// told in a status region, the page reloaded once done), and the map of the selected projects
// (Leaflet, loaded before this module as the global L; the list and the table are its text
// alternative, so without Leaflet or tiles the map block simply stays hidden).

const box = document.getElementById("results-progress");

if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) {
  const bar = document.getElementById("results-progress-bar");
  const status = document.getElementById("results-progress-status");
  const tick = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const figures = await response.json();
        if (bar) bar.value = figures.percent;
        if (figures.status === "done" || figures.status === "failed") {
          status.textContent = figures.status === "done" ? status.dataset.done : figures.error;
          window.location.reload();
          return;
        }
        status.textContent = status.dataset.running.replace("__PERCENT__", String(figures.percent));
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

const mapBox = document.getElementById("budget-map");
if (mapBox && window.L) {
  try {
    const L = window.L;
    const config = JSON.parse(document.getElementById("budget-map-config").textContent);
    const points = JSON.parse(document.getElementById("budget-map-points").textContent);
    document.getElementById("budget-map-block").hidden = false;
    mapBox.setAttribute("role", "region");
    mapBox.setAttribute("aria-labelledby", "map-heading");
    const map = L.map(mapBox, { scrollWheelZoom: false });
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    const markers = points.map((point) => {
      const label = document.createElement("span");
      label.textContent = `${point.title} (${point.cost})`; // a text node: titles are written by people
      return L.marker([point.lat, point.lng], { title: point.title, alt: point.title }).bindTooltip(label).addTo(map);
    });
    map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24], maxZoom: 16 });
  } catch (error) {
    console.error("The map of the selected projects could not start", error);
  }
}
