/* Incidents pages: the same-period chart and the village list following the chosen commune.
   Every page works without this file. */
(function () {
  "use strict";

  // <canvas data-compare-chart="ID"> reads {labels, current, previous, current_label, previous_label}.
  function drawCharts() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-compare-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.compareChart);
      if (!source || canvas.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.current_label, data: data.current, backgroundColor: "#0b5e55" },
            { label: data.previous_label, data: data.previous, backgroundColor: "#a7b4c2" }
          ]
        },
        options: {
          indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
          locale: document.documentElement.lang || "vi",
          plugins: { legend: { position: "bottom" } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }

  // The village <select> has one <optgroup data-commune="CODE"> per commune: show the chosen one's.
  function followCommune() {
    var commune = document.getElementById("id_commune");
    var village = document.getElementById("id_village");
    if (!commune || !village || commune.tagName !== "SELECT") return;
    function update() {
      var groups = village.querySelectorAll("optgroup[data-commune]");
      groups.forEach(function (g) {
        var match = g.dataset.commune === commune.value;
        g.hidden = !match;
        g.disabled = !match;
      });
      var chosen = village.options[village.selectedIndex];
      if (chosen && chosen.parentNode.disabled) village.value = "";
    }
    commune.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(); followCommune(); });
})();
