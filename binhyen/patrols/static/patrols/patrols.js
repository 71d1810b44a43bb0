// Patrol log page: "use my location" fills a check-in's latitude and longitude from the phone's GPS.
(function () {
  "use strict";
  function setup(form) {
    var button = form.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
        var at = form.querySelector("[name=at]");
        if (at && !at.value) {
          var now = new Date();
          at.value = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
        }
        button.disabled = false;
      }, function () { button.disabled = false; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-check-in]").forEach(setup);
  });
})();
