/* Bình Yên: the place picker shared by forms that ask "where": a commune search box (public areas API,
   diacritic-insensitive), the commune's village list, and a Leaflet map pin. Every form works without it.

   Markup (inside one <form>):
     [data-commune-search data-api="/api/v1/areas"]  with input[type=text], input[type=hidden][name=commune],
                                                      .combo-list and [data-commune-chosen]
     select[data-village-select data-empty-label data-first-label]   filled when a commune is chosen
     [data-pin-map data-tile-url data-attribution hidden]  with .map, [data-pin-text], [data-locate] and,
                                                      optionally, [data-clear-pin]
     input[name=latitude], input[name=longitude]     filled by the pin
     <script type="application/json" id="province-names">  {province code: name}, shown after communes

   Use: BinhYenPlacePicker(root, options) wires every box under `root` once (safe to call again after an
   htmx swap). Options, for the map:
     zoom        zoom when the pin starts from the inputs or follows them (default 15)
     locateZoom  zoom after "use my location" (default 16)
     typed       the coordinates are visible inputs: follow what is typed there, decimal comma allowed
     icon        function returning the marker's L.Icon (default: Leaflet's pin)
*/
(function () {
  "use strict";

  function $(root, sel) { return root.querySelector(sel); }
  function $all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function once(el, key) {
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
  }

  // --- commune search box and the village list -----------------------------------------------------
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

  // --- the map pin (vendored Leaflet); without tiles the pin still works on the grey background --------
  function tiles(map, el) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
  }

  function pinMap(box, options) {
    if (!window.L || !once(box, "ready")) return;
    var zoom = options.zoom || 15;
    var locateZoom = options.locateZoom || 16;
    var form = box.closest("form") || document;
    var lat = $(form, "input[name=latitude]");
    var lon = $(form, "input[name=longitude]");
    var text = $(box, "[data-pin-text]");
    var clear = $(box, "[data-clear-pin]");
    var locate = $(box, "[data-locate]");
    box.hidden = false;
    var map = L.map($(box, ".map"), { scrollWheelZoom: false }).setView([16.0, 106.5], 5);
    tiles(map, box);
    var marker = null;
    function show(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      text.textContent = "📍 " + lat.value + ", " + lon.value;
      if (clear) clear.hidden = false;
    }
    function place(latlng, z) {
      latlng = L.latLng(latlng);
      if (!marker) {
        var markerOptions = { draggable: true, keyboard: true };
        if (options.icon) markerOptions.icon = options.icon();
        marker = L.marker(latlng, markerOptions).addTo(map);
        marker.on("dragend", function () { show(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      show(latlng);
      if (z) map.setView(latlng, z);
    }
    // Typed inputs accept a decimal comma; hidden ones hold what the pin (or the server) wrote.
    function current() {
      if (options.typed) {
        var a = parseFloat((lat.value || "").replace(",", ".")), b = parseFloat((lon.value || "").replace(",", "."));
        return isNaN(a) || isNaN(b) ? null : [a, b];
      }
      return lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value) ? [+lat.value, +lon.value] : null;
    }
    var start = current();
    if (start) place(start, zoom);
    map.on("click", function (e) { place(e.latlng); });
    if (options.typed) {
      [lat, lon].forEach(function (input) {
        input.addEventListener("change", function () { var p = current(); if (p) place(p, zoom); });
      });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) { map.removeLayer(marker); marker = null; }
        lat.value = ""; lon.value = ""; text.textContent = ""; clear.hidden = true;
      });
    }
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place([pos.coords.latitude, pos.coords.longitude], locateZoom);
      }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  window.BinhYenPlacePicker = function (root, options) {
    options = options || {};
    $all(root, "[data-commune-search]").forEach(communeSearch);
    $all(root, "[data-pin-map]").forEach(function (box) { pinMap(box, options); });
  };
})();
