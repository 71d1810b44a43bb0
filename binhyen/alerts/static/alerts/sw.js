/* Bình Yên: the service worker for Web Push alerts (served at /canh-bao/sw.js, scope /canh-bao/).

   It only shows notifications: no fetch handler, no cache, so it never changes how pages load.
   A push carries the JSON the push channel sends (binhyen/alerts/channels/push.py):
     {"title": headline, "body": text, "url": the alert's page, "id": delivery id, "urgent": bool}
   ("headline" / "text" are accepted too). A click opens the alert's page (or focuses a tab already on it). */
"use strict";

var FALLBACK_URL = "/canh-bao/hop-thu/";
var FALLBACK_TITLE = "Bình Yên: cảnh báo an ninh";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function sameOrigin(url) {
  try {
    var u = new URL(url, self.location.origin);
    return u.origin === self.location.origin ? u.href : null;
  } catch (e) {
    return null;
  }
}

function readPush(event) {
  if (!event.data) return {};
  try {
    var data = event.data.json();
    return data && typeof data === "object" ? data : {};
  } catch (e) {
    return { body: event.data.text() };
  }
}

self.addEventListener("push", function (event) {
  var data = readPush(event);
  var title = String(data.title || data.headline || FALLBACK_TITLE);
  var url = sameOrigin(data.url || (data.data && data.data.url) || "") || sameOrigin(FALLBACK_URL);
  var options = {
    body: String(data.body || data.text || ""),
    tag: "binhyen-alert-" + String(data.alert || data.id || Date.now()),
    renotify: true,
    requireInteraction: !!data.urgent,
    lang: "vi",
    data: { url: url, id: data.id || null }
  };
  if (data.urgent) options.vibrate = [300, 150, 300, 150, 300];
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = sameOrigin((event.notification.data && event.notification.data.url) || "") || sameOrigin(FALLBACK_URL);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow ? self.clients.openWindow(url) : null;
    })
  );
});
