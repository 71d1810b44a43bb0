/* Bình Yên, tips pages: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js-files");

  function $(root, sel) { return root.querySelector(sel); }
  function $all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function once(el, key) {
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
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
      var where = provinces[a.parent] ? a.name + ", " + provinces[a.parent] : a.name;
      chosen.textContent = "✓ " + where;
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

  // --- maps (Leaflet, vendored); without tiles the pin still works on the grey background ----------
  function tiles(map, el) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
  }

  function pinMap(box) {
    if (!window.L || !once(box, "ready")) return;
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
      clear.hidden = false;
    }
    function place(latlng, zoom) {
      latlng = L.latLng(latlng);
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { show(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      show(latlng);
      if (zoom) map.setView(latlng, zoom);
    }
    if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) place([+lat.value, +lon.value], 15);
    map.on("click", function (e) { place(e.latlng); });
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = ""; lon.value = ""; text.textContent = ""; clear.hidden = true;
    });
    if (!navigator.geolocation) { locate.hidden = true; return; }
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place([pos.coords.latitude, pos.coords.longitude], 16);
      }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function showMap(el) {
    if (!window.L || !once(el, "ready")) return;
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el, { scrollWheelZoom: false }).setView(at, 16);
    tiles(map, el);
    L.marker(at).addTo(map);
  }

  // --- anonymous or with contact: contact inputs are disabled (not sent) while anonymous ----------
  function anonymity(box) {
    if (!once(box, "ready")) return;
    var contact = $(box, "[data-contact]");
    function sync() {
      var picked = $(box, "input[name=anonymous]:checked");
      var anonymous = !picked || picked.value === "1";
      contact.hidden = anonymous;
      $all(contact, "input").forEach(function (i) { i.disabled = anonymous; });
    }
    $all(box, "input[name=anonymous]").forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  // --- chosen files: names, sizes and the limits, before sending -----------------------------------
  function fileList(form) {
    var list = $(form, "[data-file-list]");
    if (!list || !once(list, "ready")) return;
    var inputs = $all(form, "input[data-files]");
    var max = +list.dataset.max || 5;
    function render() {
      list.innerHTML = "";
      var count = 0;
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) {
          count += 1;
          var limit = (/^video\//.test(f.type) ? +list.dataset.maxVideo : +list.dataset.maxPhoto) * 1048576;
          var li = document.createElement("li");
          var name = document.createElement("span");
          name.textContent = f.name;
          var size = document.createElement("small");
          size.textContent = (f.size / 1048576).toFixed(1) + " MB";
          li.appendChild(name);
          li.appendChild(size);
          if (limit && f.size > limit) { li.className = "bad"; li.title = list.dataset.tooBig || ""; }
          list.appendChild(li);
        });
      });
      if (count > max) {
        var warn = document.createElement("li");
        warn.className = "bad";
        warn.textContent = list.dataset.tooMany || "";
        list.appendChild(warn);
      }
    }
    inputs.forEach(function (i) { i.addEventListener("change", render); });
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

  // --- tracking code: copy button ------------------------------------------------------------------
  function copyButton(button) {
    if (!once(button, "ready")) return;
    var target = document.getElementById(button.dataset.copy);
    if (!target || !(navigator.clipboard || document.queryCommandSupported)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      var done = function () { button.textContent = "✓ " + (button.dataset.copied || ""); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: the user can copy */ }
      }
    });
  }

  // --- the decide form: "mark as duplicate of this" fills it without leaving the page ---------------
  function fillDuplicate(link) {
    if (!once(link, "ready")) return;
    link.addEventListener("click", function (e) {
      var form = document.querySelector("[data-decide-form]");
      if (!form) return;
      e.preventDefault();
      form.querySelector("[name=status]").value = "duplicate";
      form.querySelector("[name=duplicate_of]").value = link.dataset.fillDuplicate;
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      form.querySelector("[name=reason]").focus();
    });
  }

  // --- tips per month: vertical bars -----------------------------------------------------------------
  function monthChart(canvas) {
    if (!window.Chart || !once(canvas, "drawn")) return;
    var source = document.getElementById(canvas.dataset.tipsChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: "#0b5e55" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  function init(root) {
    $all(root, "[data-commune-search]").forEach(communeSearch);
    $all(root, "[data-pin-map]").forEach(pinMap);
    $all(root, "[data-show-map]").forEach(showMap);
    $all(root, "[data-anonymous]").forEach(anonymity);
    $all(root, "form[data-tip-form]").forEach(function (f) { fileList(f); submitOnce(f); });
    $all(root, "[data-copy]").forEach(copyButton);
    $all(root, "[data-fill-duplicate]").forEach(fillDuplicate);
    $all(root, "canvas[data-tips-chart]").forEach(monthChart);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
})();
