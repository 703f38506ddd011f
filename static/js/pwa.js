// The installable app's page side: registers the service worker (/sw.js), clears what was kept for
// one person when nobody is signed in, and keeps a learner calm when a tap cannot reach the server.
// No inline script anywhere: the CSP forbids it, so all of this lives here.
(function () {
  "use strict";
  var PERSONAL_PREFIX = "personal-";
  var script = document.currentScript;

  // Every cache kept for one person (their own speech). The queue of entries made offline is in
  // IndexedDB ("mns-offline") and is left alone: it is locked to its owner and sent when they are back.
  function clearPersonal() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) { worker.postMessage({ type: "sign-out" }); }
    if (!("caches" in window)) { return Promise.resolve(); }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(PERSONAL_PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  function register() {
    var url = script && script.getAttribute("data-service-worker");
    if (!url || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // No worker (a private window, an old browser): the app still works online.
    });
  }

  // The calm words, in place, when a tap cannot reach the server. Shown again on each failure so a
  // screen reader hears it each time; gone as soon as the network answers.
  function showOffline() {
    var region = document.getElementById("connection-status");
    var template = document.getElementById("offline-banner");
    if (!region || !template) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.appendChild(template.content.cloneNode(true)); }, 50);
  }

  function hideOffline() {
    var region = document.getElementById("connection-status");
    if (region) { region.textContent = ""; }
  }

  document.addEventListener("htmx:sendError", showOffline);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) { hideOffline(); }
  });
  window.addEventListener("online", hideOffline);

  // Signing out: drop personal caches as the button is pressed (the network may be gone), and
  // again on the signed-out page that follows.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.querySelector && form.querySelector("#sign-out")) { clearPersonal(); }
  });

  // "Try again" on the offline page: load the page the learner was going to. The offline page
  // itself, opened by its own address, goes home instead.
  document.addEventListener("click", function (event) {
    var again = event.target.closest && event.target.closest("#try-again");
    if (!again || window.location.pathname === "/offline") { return; }
    event.preventDefault();
    window.location.reload();
  });

  if (document.body && document.body.hasAttribute("data-signed-out")) {
    clearPersonal().then(function () { document.body.setAttribute("data-personal-cleared", ""); });
  }
  register();
})();
