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

  var GREEN = "#0b5e55", GREY = "#a7b4c2", PALETTE = [GREEN, "#c0392b", "#2c6fbb", "#d68910", "#6c3483"];

  function chartFor(canvas, attribute) {
    if (canvas.dataset.drawn) return null;
    var source = document.getElementById(canvas.getAttribute(attribute));
    if (!source) return null;
    canvas.dataset.drawn = "1";
    return JSON.parse(source.textContent);
  }

  function options(extra) {
    var base = { responsive: true, maintainAspectRatio: false, animation: false,
                 locale: document.documentElement.lang || "vi" };
    for (var k in extra) base[k] = extra[k];
    return base;
  }

  // Charts read their data from <script type="application/json" id="ID"> (json_script):
  //   <canvas data-chart="ID">          bars {labels, values, label}
  //   <canvas data-compare-chart="ID">  this period against the same period last year
  //                                     {labels, current, previous, current_label, previous_label}
  //   <canvas data-line-chart="ID">     trends {labels, series: [{label, values}]}
  function drawCharts(root) {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = chartFor(canvas, "data-chart");
      if (!data) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: GREEN }] },
        options: options({ indexAxis: "y", plugins: { legend: { display: false } },
                           scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } })
      });
    });
    root.querySelectorAll("canvas[data-compare-chart]").forEach(function (canvas) {
      var data = chartFor(canvas, "data-compare-chart");
      if (!data) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: [
          { label: data.current_label, data: data.current, backgroundColor: GREEN },
          { label: data.previous_label, data: data.previous, backgroundColor: GREY }
        ] },
        options: options({ indexAxis: "y", plugins: { legend: { position: "bottom" } },
                           scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } })
      });
    });
    root.querySelectorAll("canvas[data-line-chart]").forEach(function (canvas) {
      var data = chartFor(canvas, "data-line-chart");
      if (!data) return;
      new Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: data.series.map(function (s, i) {
          var colour = PALETTE[i % PALETTE.length];
          return { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, tension: 0.2 };
        }) },
        options: options({ plugins: { legend: { position: "bottom" } },
                           scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
