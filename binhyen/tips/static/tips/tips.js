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

  // --- maps (Leaflet, vendored); without tiles they still work on the grey background --------------
  function tiles(map, el) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
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
    // The commune, village and pin: web/place-picker.js, shared with the camera form.
    if (window.BinhYenPlacePicker) window.BinhYenPlacePicker(root, { zoom: 15, locateZoom: 16 });
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
