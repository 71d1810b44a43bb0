/* An alert's page: delivery counts move live. The server streams them (Server-Sent Events) for about
   30 seconds at a time; EventSource reconnects by itself. Without JavaScript the table is as fresh as the
   last reload. */
(function () {
  "use strict";

  function format(n) {
    return Number(n || 0).toLocaleString(document.documentElement.lang || "vi");
  }

  function update(box, counts) {
    box.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = format(counts[el.dataset.count]);
    });
    var byChannel = counts.by_channel || {};
    Object.keys(byChannel).forEach(function (channel) {
      var row = box.querySelector("tr[data-channel='" + channel + "']");
      if (!row) return;
      row.querySelectorAll("[data-channel-count]").forEach(function (cell) {
        cell.textContent = format(byChannel[channel][cell.dataset.channelCount]);
      });
    });
    var known = Object.keys(byChannel).every(function (c) { return box.querySelector("tr[data-channel='" + c + "']"); });
    if (!known && window.htmx && box.dataset.refresh) {
      // A channel appeared: fetch the table again once.
      window.htmx.ajax("GET", box.dataset.refresh, { target: "#alert-counts", swap: "outerHTML" });
    }
  }

  function connect() {
    var box = document.getElementById("alert-counts");
    if (!box || !window.EventSource || !box.dataset.stream) return;
    var state = box.querySelector("[data-live-state]");
    var source = new EventSource(box.dataset.stream);
    source.addEventListener("open", function () { if (state) state.hidden = false; });
    source.addEventListener("error", function () { if (state) state.hidden = true; });
    source.addEventListener("counts", function (e) {
      var current = document.getElementById("alert-counts");
      if (current) update(current, JSON.parse(e.data));
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", connect);
})();
