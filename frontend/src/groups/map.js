// Maps of a council's zones (Leaflet set up by frontend/src/core/map.js).
//
// data-mode="view": the zones with their names (the page's table is the text alternative).
// With config.draw and Leaflet-Geoman loaded (global L.PM), administrators can also draw
// a zone: the polygon goes as GeoJSON into the hidden field of the drawing form. Drawing
// needs a pointer; the page offers the GeoJSON import for keyboard users.
// data-mode="pick": a click places the resident's point, fills the hidden latitude and
// longitude fields and chooses the zone found in the zone list; choosing in the list
// instead drops the point. The map is an extra: without Leaflet or without tiles the
// list still works, and the map block simply stays hidden.

import { createMap, startMap, textElement } from "../core/map.js";

const container = document.getElementById("zone-map");
const L = window.L;

if (container) startMap("The zone map", start);

function start() {
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const zones = JSON.parse(document.getElementById("zones-geojson").textContent);
  const t = config.strings;
  const fmt = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));

  const map = createMap(container, config, { block: document.getElementById("zone-map-block"), label: t.label });

  const baseStyle = { color: "#1f4e79", weight: 2, fillOpacity: 0.15 };
  const chosenStyle = { color: "#b34700", weight: 4, fillOpacity: 0.3 };
  const layers = new Map(); // slug -> Leaflet layer
  const zoneLayer = L.geoJSON(zones, {
    style: () => baseStyle,
    onEachFeature(feature, layer) {
      layers.set(feature.properties.slug, layer);
      // Names stay shown on the overview; on the picking map they follow the pointer.
      const pick = config.mode === "pick";
      // Leaflet inserts a string as HTML: a zone's name, chosen by a council's
      // administrator, goes in as a text node.
      layer.bindTooltip(textElement(feature.properties.name), {
        sticky: pick,
        permanent: !pick,
        direction: "center",
      });
    },
  }).addTo(map);
  if (zones.features.length) map.fitBounds(zoneLayer.getBounds(), { padding: [12, 12] });
  else map.setView([46.6, 2.4], 5);

  if (config.mode === "pick") setUpPicking(map, zones, layers, { t, fmt, baseStyle, chosenStyle });
  if (config.draw && L.PM) setUpDrawing(map, t);
}

function setUpDrawing(map, t) {
  const block = document.getElementById("zone-draw");
  const field = document.getElementById("id_geometry");
  const status = document.getElementById("zone-draw-status");
  if (!block || !field) return;
  const lang = (document.documentElement.lang || "en").slice(0, 2);
  try {
    map.pm.setLang(lang);
  } catch {
    // an unknown language keeps Geoman's English
  }
  map.pm.addControls({
    position: "topleft",
    drawMarker: false,
    drawCircleMarker: false,
    drawPolyline: false,
    drawCircle: false,
    drawText: false,
    editMode: false,
    dragMode: false,
    cutPolygon: false,
    removalMode: false,
    rotateMode: false,
  });
  map.pm.setGlobalOptions({ allowSelfIntersection: false, snappable: false });
  // Geoman titles the buttons' containers only: give the buttons themselves their names.
  for (const button of container.querySelectorAll(".button-container[title] > .leaflet-buttons-control-button")) {
    button.setAttribute("aria-label", button.parentElement.title);
  }

  const draftStyle = { color: "#b34700", weight: 3, fillOpacity: 0.25 };
  let draft = null;

  function keep(layer, message) {
    field.value = JSON.stringify(layer.toGeoJSON().geometry);
    status.textContent = message;
  }

  function adopt(layer) {
    if (draft && draft !== layer) draft.remove();
    draft = layer;
    layer.setStyle(draftStyle);
    // The drawn polygon can be reshaped by its corners until it is saved.
    layer.pm.enable({ allowSelfIntersection: false });
    layer.on("pm:edit", () => keep(layer, t.changed));
  }

  map.on("pm:create", ({ layer }) => {
    adopt(layer);
    keep(layer, t.drawn);
  });

  // After a refused save the page comes back with the polygon: show it again.
  if (field.value) {
    try {
      const restored = L.geoJSON(JSON.parse(field.value), { style: () => draftStyle });
      const layer = restored.getLayers()[0];
      if (layer) {
        layer.addTo(map);
        adopt(layer);
        map.fitBounds(layer.getBounds(), { padding: [12, 12] });
      }
    } catch {
      field.value = "";
    }
  }
  block.hidden = false;
}

function setUpPicking(map, zones, layers, { t, fmt, baseStyle, chosenStyle }) {
  const latitude = document.getElementById("id_latitude");
  const longitude = document.getElementById("id_longitude");
  const select = document.getElementById("id_zone");
  const forget = document.getElementById("id_forget_location");
  const status = document.getElementById("zone-map-status");
  let marker = null;

  const nameOf = (slug) => zones.features.find((f) => f.properties.slug === slug)?.properties.name;

  function highlight(slug) {
    for (const [key, layer] of layers) layer.setStyle(key === slug ? chosenStyle : baseStyle);
  }

  function placeMarker(latlng) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.circleMarker(latlng, { radius: 8, color: "#b34700", fillOpacity: 0.9 }).addTo(map);
  }

  if (latitude.value && longitude.value) {
    placeMarker([Number(latitude.value), Number(longitude.value)]);
  }
  highlight(select.value);

  map.on("click", (event) => {
    const { lat, lng } = event.latlng.wrap();
    latitude.value = lat.toFixed(6);
    longitude.value = lng.toFixed(6);
    placeMarker([lat, lng]);
    if (forget) forget.checked = false;
    const found = zones.features.find((f) => containsPoint(f.geometry, lng, lat));
    const slug = found ? found.properties.slug : "";
    select.value = slug;
    highlight(slug);
    status.textContent = found ? fmt(t.found, { zone: found.properties.name }) : t.outside;
  });

  select.addEventListener("change", () => {
    // Choosing in the list replaces the point: the server keeps the zone chosen.
    latitude.value = "";
    longitude.value = "";
    if (marker) {
      marker.remove();
      marker = null;
    }
    highlight(select.value);
    status.textContent = select.value ? fmt(t.chosen, { zone: nameOf(select.value) }) : t.noZone;
  });
}

// Point in (Multi)Polygon with holes, by ray casting; coordinates are [lon, lat].
function containsPoint(geometry, x, y) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  return polygons.some(
    ([outer, ...holes]) => inRing(outer, x, y) && !holes.some((hole) => inRing(hole, x, y)),
  );
}

function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
