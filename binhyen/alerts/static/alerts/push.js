/* Web Push sign-up on the subscriptions page: registers the service worker (/canh-bao/sw.js, scope
   /canh-bao/), and on "Nhận thông báo đẩy trên thiết bị này" asks the browser's permission, subscribes
   with the server's VAPID public key and posts the PushSubscription JSON, together with the subscription
   form's areas, kinds, quiet hours and consent, to the server (which stores a "push" subscription).

   Markup (rendered only when the server has a VAPID key):
     <div data-push data-key="…" data-sw="/canh-bao/sw.js" data-scope="/canh-bao/" data-url="…"
          data-form="subscribe-form" data-msg-…="…">
       <button type="button" data-push-button hidden>…</button>
       <p data-push-status role="status"></p>
     </div>
   The button stays hidden where the browser has no service workers or Push API. */
(function () {
  "use strict";

  function urlBase64ToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(subscription, key) {
    var current = subscription && subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;  // browsers that do not tell: assume it is ours
    var a = new Uint8Array(current);
    if (a.length !== key.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== key[i]) return false;
    return true;
  }

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var button = box.querySelector("[data-push-button]");
    var status = box.querySelector("[data-push-status]");
    var msg = box.dataset;
    function say(text, bad) {
      status.textContent = text || "";
      status.classList.toggle("field-error", !!bad);
    }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window) || !window.fetch) {
      say(msg.msgUnsupported);
      return;
    }
    var key = urlBase64ToBytes(box.dataset.key);
    var ready = navigator.serviceWorker.register(box.dataset.sw, { scope: box.dataset.scope }).then(function (reg) {
      button.hidden = false;
      return reg.pushManager.getSubscription().then(function (sub) {
        if (sub && sameKey(sub, key)) say(msg.msgAlready);
        return reg;
      });
    }, function () {
      say(msg.msgUnsupported);
      return null;
    });

    function subscribe(reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        if (existing && sameKey(existing, key)) return existing;
        var drop = existing ? existing.unsubscribe() : Promise.resolve(true);
        return drop.then(function () {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        });
      });
    }

    function send(subscription) {
      var form = document.getElementById(box.dataset.form);
      var body = new FormData(form || undefined);
      body.delete("channels");
      body.set("push", JSON.stringify(subscription.toJSON ? subscription.toJSON() : subscription));
      var token = body.get("csrfmiddlewaretoken") || "";
      return fetch(box.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" },
        body: body
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) throw new Error(data.detail || msg.msgFailed);
          return data;
        });
      });
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      say(msg.msgWorking);
      Promise.resolve(Notification.permission === "granted" ? "granted" : Notification.requestPermission())
        .then(function (permission) {
          if (permission !== "granted") throw new Error(msg.msgDenied);
          return ready;
        })
        .then(function (reg) {
          if (!reg) throw new Error(msg.msgUnsupported);
          return navigator.serviceWorker.ready.then(function () { return subscribe(reg); });
        })
        .then(send)
        .then(function (data) {
          say(data.detail || msg.msgDone);
          box.dataset.subscribed = "1";
          // The list of subscriptions above now has this device's: show it.
          if (box.dataset.reload) window.setTimeout(function () { window.location.reload(); }, 1500);
        })
        .catch(function (e) {
          // Our own messages are plain Errors; the browser's (DOMException: push service down…) are not.
          say(e && e.name === "Error" && e.message ? e.message : msg.msgFailed, true);
        })
        .then(function () { button.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-push]"), setup);
  });
})();
