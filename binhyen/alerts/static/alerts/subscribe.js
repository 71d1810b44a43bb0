/* Subscriptions: the commune search box (shared place picker). The page works without it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.BinhYenPlacePicker) window.BinhYenPlacePicker(document, {});
  });
})();
