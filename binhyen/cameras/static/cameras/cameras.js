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

  // --- commune search box (public API, diacritic-insensitive) and the village list -----------------
  function provinceNames() {
    var el = document.getElementById("province-names");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }

  function villageSelect(select) {
    var emptyLabel = select.dataset.emptyLabel || "";
    var firstLabel = select.dataset.firstLabel || "";
    return {
      reset: function () {
        select.innerHTML = "";
        select.appendChild(new Option(firstLabel, ""));
      },
      load: function (api, code) {
        select.innerHTML = "";
        select.appendChild(new Option(emptyLabel, ""));
        fetch(api + "?parent=" + encodeURIComponent(code) + "&limit=1000", { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            (data.items || []).forEach(function (v) { select.appendChild(new Option(v.name, v.code)); });
          })
          .catch(function () { /* the village stays optional */ });
      }
    };
  }

  function communeSearch(box) {
    if (!once(box, "ready") || !window.fetch) return;
    var input = $(box, "input[type=text]");
    var hidden = $(box, "input[type=hidden][name=commune]");
    var list = $(box, ".combo-list");
    var chosen = $(box, "[data-commune-chosen]");
    var form = box.closest("form");
    var selectEl = form ? $(form, "[data-village-select]") : null;
    var villages = selectEl ? villageSelect(selectEl) : null;
    var api = box.dataset.api;
    var provinces = provinceNames();
    var timer = null, seq = 0, items = [], active = -1;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var options = $all(list, "[role=option]");
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      }
    }
    function choose(i) {
      var a = items[i];
      if (!a) return;
      hidden.value = a.code;
      input.value = a.name;
      chosen.textContent = "✓ " + (provinces[a.parent] ? a.name + ", " + provinces[a.parent] : a.name);
      close();
      if (villages) villages.load(api, a.code);
    }
    function render(found) {
      items = found;
      list.innerHTML = "";
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "combo-empty";
        none.textContent = "…";
        list.appendChild(none);
      }
      found.forEach(function (a, i) {
        var li = document.createElement("li");
        li.id = "commune-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.code = a.code;
        li.appendChild(document.createTextNode(a.name));
        if (provinces[a.parent]) {
          var small = document.createElement("small");
          small.textContent = provinces[a.parent];
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    function search(q) {
      var mine = ++seq;
      fetch(api + "?level=commune&limit=10&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (mine === seq) render(data.items || []); })
        .catch(close);
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      chosen.textContent = "";
      if (villages) villages.reset();
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () { search(q); }, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // --- the camera's place: tap the map (required), or type the coordinates --------------------------
  function pinMap(box) {
    if (!window.L || !once(box, "ready")) return;
    var form = box.closest("form") || document;
    var lat = $(form, "input[name=latitude]");
    var lon = $(form, "input[name=longitude]");
    var text = $(box, "[data-pin-text]");
    var locate = $(box, "[data-locate]");
    box.hidden = false;
    var map = L.map($(box, ".map"), { scrollWheelZoom: false }).setView([16.0, 106.5], 5);
    tiles(map, box);
    var marker = null;
    function show(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      text.textContent = "📍 " + lat.value + ", " + lon.value;
    }
    function place(latlng, zoom) {
      latlng = L.latLng(latlng);
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, icon: cameraIcon({ status: "active" }) }).addTo(map);
        marker.on("dragend", function () { show(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      show(latlng);
      if (zoom) map.setView(latlng, zoom);
    }
    function typed() {
      var a = parseFloat((lat.value || "").replace(",", ".")), b = parseFloat((lon.value || "").replace(",", "."));
      return isNaN(a) || isNaN(b) ? null : [a, b];
    }
    var start = typed();
    if (start) place(start, 17);
    map.on("click", function (e) { place(e.latlng); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () { var p = typed(); if (p) place(p, 17); });
    });
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place([pos.coords.latitude, pos.coords.longitude], 18);
      }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
    });
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
    $all(root, "[data-commune-search]").forEach(communeSearch);
    $all(root, "[data-pin-map]").forEach(pinMap);
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
