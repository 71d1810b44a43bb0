/* Compose an alert: the point and radius on a Leaflet map (tap to place, drag to move, "use my
   location"), the circle follows the radius field; the commune search for wide scopes; the custom
   expiry and scheduled time fields only when chosen. The form works without this file. */
(function () {
  "use strict";

  function $(root, sel) { return root.querySelector(sel); }

  function number(input) {
    var v = parseFloat((input.value || "").replace(",", "."));
    return isNaN(v) ? null : v;
  }

  function alertMap(box) {
    if (!window.L || box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.closest("form");
    var lat = $(form, "input[name=latitude]"), lon = $(form, "input[name=longitude]");
    var radius = $(form, "input[name=radius_m]");
    var text = $(box, "[data-pin-text]"), clear = $(box, "[data-clear-pin]"), locate = $(box, "[data-locate]");
    box.hidden = false;
    var map = L.map($(box, ".map"), { scrollWheelZoom: false }).setView([16.0, 106.5], 5);
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    var marker = null, circle = null;
    function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }
    function draw() {
      var r = number(radius);
      if (!marker) return;
      if (circle) { map.removeLayer(circle); circle = null; }
      if (r && r > 0) {
        circle = L.circle(marker.getLatLng(), { radius: r, color: "#c0392b", weight: 2, fillOpacity: 0.12 }).addTo(map);
      }
    }
    function show(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      text.textContent = "📍 " + lat.value + ", " + lon.value;
      clear.hidden = false;
      draw();
    }
    function place(latlng, zoom) {
      latlng = L.latLng(latlng);
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { show(marker.getLatLng()); changed(); });
      } else {
        marker.setLatLng(latlng);
      }
      show(latlng);
      if (zoom) map.setView(latlng, zoom);
    }
    var a = number(lat), b = number(lon);
    if (a !== null && b !== null) place([a, b], 15);
    map.on("click", function (e) { place(e.latlng); changed(); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var x = number(lat), y = number(lon);
        if (x !== null && y !== null) place([x, y], 15);
      });
    });
    radius.addEventListener("input", draw);
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      if (circle) { map.removeLayer(circle); circle = null; }
      lat.value = ""; lon.value = ""; text.textContent = ""; clear.hidden = true;
      changed();
    });
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place([pos.coords.latitude, pos.coords.longitude], 16);
        changed();
      }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function toggles(form) {
    var expires = $(form, "#id_expires_in"), until = $(form, "#id_expires_at");
    var sendAt = $(form, "#id_send_at");
    function update() {
      if (expires && until) until.closest(".field").hidden = expires.value !== "custom";
      var later = $(form, "input[name=send][value=later]");
      if (sendAt && later) sendAt.hidden = !later.checked;
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.BinhYenPlacePicker) window.BinhYenPlacePicker(document, {});
    var form = document.getElementById("compose-form");
    if (!form) return;
    toggles(form);
    document.querySelectorAll("[data-alert-map]").forEach(alertMap);
  });
})();
