/* Incidents pages: the village list following the chosen commune (charts are drawn by web/app.js).
   Every page works without this file. */
(function () {
  "use strict";

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

  document.addEventListener("DOMContentLoaded", followCommune);
})();
