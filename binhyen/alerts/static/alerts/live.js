/* The security gong on every page of a logged-in user: an EventSource on /canh-bao/live/ brings new
   alerts; each one shows as a banner (and a browser notification when allowed), is marked seen, and
   offers "Đã nhận" (received) and, for members called out, "Đang đến" (on the way).

   Loaded by base.html:
     <script src="…/alerts/live.js" defer data-live="/canh-bao/live/" data-seen="/canh-bao/hop-thu/da-xem/"
             data-inbox="/canh-bao/hop-thu/"></script>
   The server ends each stream after about 30 seconds; EventSource reconnects and sends Last-Event-ID,
   so nothing is shown twice or missed. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.EventSource || !window.fetch || window.BinhYenGong) return;
  window.BinhYenGong = true;  // once per page, even if a page also includes it
  var urls = { live: script.dataset.live, seen: script.dataset.seen, inbox: script.dataset.inbox };
  if (!urls.live) return;
  var css = script.src.replace(/live\.js(\?.*)?$/, "alerts.css");

  var TEXT = {
    vi: { received: "Đã nhận", coming: "Đang đến", done: "✓ Đã nhận", doneComing: "✓ Đang đến",
          all: "Xem tất cả cảnh báo", close: "Đóng", notify: "Bật thông báo trên máy", what: "Cần làm:",
          failed: "Chưa gửi được, hãy thử lại.", urgent: "KHẨN" },
    en: { received: "Received", coming: "On the way", done: "✓ Received", doneComing: "✓ On the way",
          all: "See all alerts", close: "Close", notify: "Turn on notifications", what: "What to do:",
          failed: "Could not send, please try again.", urgent: "URGENT" }
  };
  var t = TEXT[(document.documentElement.lang || "vi").slice(0, 2)] || TEXT.vi;

  function csrf() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall back to the cookie */ }
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: body || ""
    });
  }

  function stack() {
    var el = document.getElementById("gong-stack");
    if (el) return el;
    if (!document.querySelector("link[data-gong-css]")) {
      var link = document.createElement("link");
      link.rel = "stylesheet"; link.href = css; link.dataset.gongCss = "1";
      document.head.appendChild(link);
    }
    el = document.createElement("div");
    el.id = "gong-stack";
    el.className = "gong-stack";
    el.setAttribute("aria-live", "assertive");
    document.body.appendChild(el);
    return el;
  }

  function node(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  function answerButton(a, label, doneLabel, url, holder) {
    var b = node("button", "btn btn-small", label);
    b.type = "button";
    b.addEventListener("click", function () {
      b.disabled = true;
      post(url).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }).then(function (data) {
        holder.innerHTML = "";
        holder.appendChild(node("span", "gong-done", data.responding ? t.doneComing : t.done));
        if (a.member && !data.responding && url !== a.respond_url) {
          holder.appendChild(answerButton(a, t.coming, t.doneComing, a.respond_url, holder));
        }
      }).catch(function () {
        b.disabled = false;
        b.title = t.failed;
      });
    });
    b.dataset.testid = url === a.respond_url ? "gong-respond" : "gong-acknowledge";
    b.setAttribute("data-testid", b.dataset.testid);
    return b;
  }

  function notify(a) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      var n = new Notification(a.headline, { body: a.text, tag: "binhyen-alert-" + a.id, requireInteraction: !!a.urgent });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some mobile browsers only notify from a service worker */ }
  }

  function show(a) {
    if (document.getElementById("gong-" + a.id)) return;
    var box = node("section", "gong alert-card severity-" + String(a.severity).toLowerCase());
    box.id = "gong-" + a.id;
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "gong-banner");
    box.dataset.delivery = a.id;
    box.appendChild(node("span", "gong-kind", (a.urgent ? t.urgent + " · " : "") + a.kind_label + " · " + a.severity_label));
    box.appendChild(node("h2", "", a.headline));
    box.appendChild(node("p", "", a.text));
    if (a.instruction) box.appendChild(node("p", "instruction", t.what + " " + a.instruction));
    var actions = node("div", "form-actions");
    var answers = node("span", "form-actions");
    if (a.acknowledged) {
      answers.appendChild(node("span", "gong-done", a.responding ? t.doneComing : t.done));
    } else {
      answers.appendChild(answerButton(a, t.received, t.done, a.acknowledge_url, answers));
    }
    if (a.member && !a.responding) answers.appendChild(answerButton(a, t.coming, t.doneComing, a.respond_url, answers));
    actions.appendChild(answers);
    if (urls.inbox) {
      var all = node("a", "", t.all);
      all.href = urls.inbox;
      actions.appendChild(all);
    }
    if ("Notification" in window && Notification.permission === "default") {
      var ask = node("button", "btn btn-small btn-secondary", t.notify);
      ask.type = "button";
      ask.addEventListener("click", function () {
        Notification.requestPermission().then(function () { ask.remove(); });
      });
      actions.appendChild(ask);
    }
    var close = node("button", "btn btn-small btn-secondary", "×");
    close.type = "button";
    close.setAttribute("aria-label", t.close);
    close.addEventListener("click", function () { box.remove(); });
    actions.appendChild(close);
    box.appendChild(actions);
    stack().prepend(box);
    notify(a);
    if (navigator.vibrate) { try { navigator.vibrate(a.urgent ? [300, 150, 300, 150, 300] : [200]); } catch (e) { /* ignore */ } }
    if (!a.seen && urls.seen) post(urls.seen, "ids=" + encodeURIComponent(a.id));
  }

  function connect() {
    var source = new EventSource(urls.live);
    source.addEventListener("alert", function (e) {
      try { show(JSON.parse(e.data)); } catch (err) { /* a malformed event: skip it */ }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
