/*
 * The map of a quarter's meeting points (Leaflet, vendored under static/vendor/leaflet/).
 *
 * Reads its data from the page, not from inline script: the markers from the JSON block #map-points, the
 * quarter's boundary from #map-boundary (optional), the marker images and the tile server from data
 * attributes of #quartier-map. Without a tile server (the default) no tile is requested from anywhere: the
 * markers stand on a plain background. Without JavaScript the map stays hidden and the list on the page
 * carries the same information.
 */
(function () {
  "use strict";

  var container = document.getElementById("quartier-map");
  var pointsElement = document.getElementById("map-points");
  if (!container || !pointsElement || !window.L) {
    return;
  }
  var points = JSON.parse(pointsElement.textContent);
  var boundaryElement = document.getElementById("map-boundary");
  var data = container.dataset;

  container.hidden = false;
  var map = L.map(container.firstElementChild, { scrollWheelZoom: false });

  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  // The icon paths are given explicitly: Leaflet's own guess from the stylesheet fails on hashed file names.
  var icon = L.icon({
    iconUrl: data.iconUrl,
    iconRetinaUrl: data.iconRetinaUrl,
    shadowUrl: data.shadowUrl,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });

  function popupContent(point) {
    // Built from elements and text nodes, so names and addresses are never read as HTML.
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    link.title = data.linkLabel || "";
    wrapper.appendChild(link);
    [point.status, point.address].forEach(function (text) {
      if (text) {
        wrapper.appendChild(document.createElement("br"));
        wrapper.appendChild(document.createTextNode(text));
      }
    });
    return wrapper;
  }

  var bounds = L.latLngBounds([]);
  points.forEach(function (point) {
    var latLng = L.latLng(point.lat, point.lng);
    L.marker(latLng, { icon: icon, title: point.name, alt: point.name, keyboard: true })
      .bindPopup(popupContent(point))
      .addTo(map);
    bounds.extend(latLng);
  });

  if (boundaryElement) {
    var boundary = L.geoJSON(JSON.parse(boundaryElement.textContent), {
      interactive: false,
      style: { color: "#0a58ca", weight: 2, fillOpacity: 0.05 },
    }).addTo(map);
    if (boundary.getBounds().isValid()) {
      bounds.extend(boundary.getBounds());
    }
  }

  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  } else {
    container.hidden = true;
  }
})();
