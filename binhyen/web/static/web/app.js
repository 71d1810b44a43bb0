/* Bình Yên: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // htmx: also swap 422 responses (forms sent back with their errors); other errors are not swapped.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "422", swap: true },
        { code: "[45]..", swap: false, error: true }
      ];
    }
  });

  // Bar charts: <canvas data-chart="ID"> reads its data from <script type="application/json" id="ID">.
  function drawCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var locale = document.documentElement.lang || "vi";
      canvas.dataset.drawn = "1";
      new Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: "#0b5e55" }] },
        options: {
          indexAxis: "y", responsive: true, maintainAspectRatio: false, locale: locale, animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
