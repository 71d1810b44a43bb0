/* Bình Yên, camera pages: small progressive enhancements. Every page works without this file.
   Maps use the vendored Leaflet and Leaflet.markercluster; without tiles they still work on grey. */
(function () {
  "use strict";

  var me = document.currentScript;
  var ASSETS = {
    leaflet: me ? me.dataset.leafletJs : "",
    cluster: me ? me.dataset.clusterJs : ""
  };

  function $(root, sel) { return root.querySelector(sel); }
  function $all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function once(el, key) {
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
  }

  // --- loading Leaflet when the host page has not (the "cameras near here" panel) ------------------
  var loading = {};
  function script(src, done) {
    if (!src) { done(false); return; }
    if (loading[src]) { loading[src].push(done); return; }
    loading[src] = [done];
    var s = document.createElement("script");
    s.src = src;
    s.onload = function () { loading[src].forEach(function (f) { f(true); }); };
    s.onerror = function () { loading[src].forEach(function (f) { f(false); }); };
    document.head.appendChild(s);
  }
  function withLeaflet(done) {
    if (window.L && L.markerClusterGroup) { done(); return; }
    if (!window.L) {
      script(ASSETS.leaflet, function (ok) { if (ok) withLeaflet(done); });
      return;
    }
    script(ASSETS.cluster, function () { done(); });  // without clustering the markers still show
  }

  function tiles(map, el) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
  }

  // --- maps of cameras: clustered markers, an arrow for the way each looks -------------------------
  function cameraIcon(p) {
    var arrow = (p.dir === null || p.dir === undefined) ? "" :
      '<span class="cam-arrow" style="transform:rotate(' + (+p.dir) + 'deg)"></span>';
    return L.divIcon({
      className: "cam-marker cam-" + (p.status || "active"),
      html: arrow + '<span class="cam-dot"></span>',
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      popupAnchor: [0, -12]
    });
  }

  function drawPoints(el, points) {
    var map = L.map(el, { scrollWheelZoom: false });
    tiles(map, el);
    var group = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.featureGroup();
    var detail = el.dataset.detailUrl || "";
    var places = [];
    points.forEach(function (p) {
      if (p.lat === null || p.lon === null) return;
      places.push([p.lat, p.lon]);
      var m = L.marker([p.lat, p.lon], { icon: cameraIcon(p), title: p.label, keyboard: true });
      var box = document.createElement("div");
      var link = document.createElement(detail ? "a" : "strong");
      if (detail) link.href = detail.replace("/0/", "/" + p.id + "/");
      link.textContent = p.label;
      box.appendChild(link);
      m.bindPopup(box);
      group.addLayer(m);
    });
    var bounds = places.length ? L.latLngBounds(places) : null;
    var centre = null;
    if (el.dataset.lat && el.dataset.lon) {
      centre = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
      var around = el.dataset.radius ? centre.toBounds(2 * (+el.dataset.radius)) : L.latLngBounds([centre, centre]);
      bounds = bounds ? bounds.extend(around) : around;
    }
    // The view first: the cluster group needs a zoom level when it is added.
    if (bounds) map.fitBounds(bounds.pad(0.1), { maxZoom: 18 });
    else map.setView([16.0, 106.5], 5);
    if (centre) {
      L.circleMarker(centre, { radius: 8, color: "#b3261e", weight: 3, fillOpacity: 0.6 }).addTo(map);
      if (el.dataset.radius) L.circle(centre, { radius: +el.dataset.radius, color: "#b3261e", weight: 1, fill: false }).addTo(map);
    }
    group.addTo(map);
    el.dataset.count = String(places.length);
  }

  function cameraMap(el) {
    if (!once(el, "ready")) return;
    withLeaflet(function () {
      if (el.dataset.points) {
        var source = document.getElementById(el.dataset.points);
        drawPoints(el, source ? JSON.parse(source.textContent) : []);
      } else if (el.dataset.src && window.fetch) {
        fetch(el.dataset.src, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            drawPoints(el, data.items || []);
            var note = document.querySelector("[data-map-count]");
            if (note) {
              note.textContent = note.dataset.template.replace("%s", String((data.items || []).length));
              note.hidden = false;
            }
            var more = document.querySelector("[data-map-truncated]");
            if (more) more.hidden = !data.truncated;
          })
          .catch(function () { drawPoints(el, []); });
      }
    });
  }

  // --- the owner's answer: "how was it handed over" only for "provided" ------------------------------
  function answerForm(form) {
    if (!once(form, "ready")) return;
    var box = $(form, "[data-handover]");
    if (!box) return;
    function sync() {
      var picked = $(form, "input[name=status]:checked");
      box.hidden = !!picked && picked.value !== "provided";
    }
    $all(form, "input[name=status]").forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // One press sends once, even on a slow connection.
  function submitOnce(form) {
    if (!once(form, "submitReady")) return;
    form.addEventListener("submit", function () {
      var button = $(form, "[data-submit]");
      if (!button) return;
      setTimeout(function () {
        button.disabled = true;
        if (button.dataset.busy) button.textContent = button.dataset.busy;
      }, 0);
    });
  }

  // "Pick all" for the footage request's camera list.
  function pickAll(button) {
    if (!once(button, "ready")) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.closest("form");
      $all(form, "input[name=camera]").forEach(function (c) { c.checked = true; });
    });
  }

  function init(root) {
    // The commune, village and the camera's place (tap the map, or type the coordinates):
    // web/place-picker.js, shared with the tip form.
    if (window.BinhYenPlacePicker) {
      window.BinhYenPlacePicker(root, {
        zoom: 17, locateZoom: 18, typed: true,
        icon: function () { return cameraIcon({ status: "active" }); }
      });
    }
    $all(root, "[data-camera-map]").forEach(cameraMap);
    $all(root, "form[data-answer-form]").forEach(answerForm);
    $all(root, "form[data-camera-form]").forEach(submitOnce);
    $all(root, "[data-pick-all]").forEach(pickAll);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
})();
