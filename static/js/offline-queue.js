// Entries made on this tablet with no Wi-Fi: kept in IndexedDB ("mns-offline"), each filed under the
// opaque owner name of the learner who was signed in, and sent in order when the network is back.
// Every step carries the random key made when the entry was saved, and the server keeps those keys,
// so a retry, a double tap or a second tab never makes a second entry, photo or recording.
// A learner only ever sees (and sends) their own items; another learner's stay queued, untouched.
(function () {
  "use strict";
  var DB_NAME = "mns-offline";
  var ITEMS = "items";
  var META = "meta";
  var opened = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (!window.indexedDB) { return Promise.reject(new Error("no IndexedDB")); }
    if (!opened) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(ITEMS)) { db.createObjectStore(ITEMS, { keyPath: "id" }); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META, { keyPath: "name" }); }
      };
      opened = promised(request);
    }
    return opened;
  }

  function store(name, mode) {
    return open().then(function (db) { return db.transaction(name, mode).objectStore(name); });
  }

  function getMeta(name) {
    return store(META, "readonly").then(function (s) { return promised(s.get(name)); })
      .then(function (row) { return row ? row.value : null; });
  }
  function setMeta(name, value) {
    return store(META, "readwrite").then(function (s) { return promised(s.put({ name: name, value: value })); });
  }
  function deleteMeta(name) {
    return store(META, "readwrite").then(function (s) { return promised(s.delete(name)); });
  }

  // ---- Locking each item to its owner ---------------------------------------------------------
  // Only whose it is, when it was made and whether it waits stay readable. Everything else (the
  // choices, photos, voice) is sealed with AES-GCM under a key only the owner's own pages carry, and
  // the tablet forgets that key at sign-out: the next learner cannot read it, even in devtools.
  var PLAIN = ["id", "owner", "made_at", "state"];
  var subtle = window.crypto && crypto.subtle;

  function importKey(text) {
    if (!subtle || !text) { return Promise.resolve(null); }
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var bytes = atob(b64), raw = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) { raw[i] = bytes.charCodeAt(i); }
    return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  }
  function encrypt(key, buffer) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return subtle.encrypt({ name: "AES-GCM", iv: iv }, key, buffer).then(function (data) {
      return { iv: iv, data: data };
    });
  }
  function decrypt(key, box) { return subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.data); }

  function seal(item, key) {
    if (!key) { return Promise.resolve(item); }  // no Web Crypto here (not a secure page)
    var blobs = [];
    function hold(blob) { if (!blob) { return -1; } blobs.push(blob); return blobs.length - 1; }
    var secret = {};
    Object.keys(item).forEach(function (name) { if (PLAIN.indexOf(name) < 0) { secret[name] = item[name]; } });
    secret.photos = (item.photos || []).map(function (photo) {
      var copy = Object.assign({}, photo);
      copy.blob_type = photo.blob ? photo.blob.type : "";
      copy.blob = hold(photo.blob);
      return copy;
    });
    if (item.voice) { secret.voice = Object.assign({}, item.voice, { blob: hold(item.voice.blob) }); }
    var text = new TextEncoder().encode(JSON.stringify(secret));
    return Promise.all([encrypt(key, text)].concat(blobs.map(function (blob) {
      return new Response(blob).arrayBuffer().then(function (buffer) { return encrypt(key, buffer); });
    }))).then(function (boxes) {
      var record = { sealed: boxes[0], blobs: boxes.slice(1) };
      PLAIN.forEach(function (name) { record[name] = item[name]; });
      return record;
    });
  }

  function unseal(record, key) {
    if (!record.sealed) { return Promise.resolve(record); }
    return decrypt(key, record.sealed).then(function (buffer) {
      var item = JSON.parse(new TextDecoder().decode(buffer));
      PLAIN.forEach(function (name) { item[name] = record[name]; });
      return Promise.all(record.blobs.map(function (box) { return decrypt(key, box); })).then(function (buffers) {
        function blob(index, type) { return index >= 0 ? new Blob([buffers[index]], { type: type || "" }) : null; }
        item.photos.forEach(function (photo) { photo.blob = blob(photo.blob, photo.blob_type); });
        if (item.voice) { item.voice.blob = blob(item.voice.blob, item.voice.type); }
        return item;
      });
    });
  }

  function allItems() {
    return store(ITEMS, "readonly").then(function (s) { return promised(s.getAll()); });
  }
  // The owner's items, opened with their key, oldest first. Items that will not open stay as they are.
  function itemsFor(owner) {
    return Promise.all([allItems(), getMeta("owner")]).then(function (found) {
      var me = found[1];
      if (!me || me.owner !== owner) { return []; }
      var mine = found[0].filter(function (item) { return item.owner === owner; })
        .sort(function (a, b) { return a.made_at < b.made_at ? -1 : (a.made_at > b.made_at ? 1 : 0); });
      return Promise.all(mine.map(function (record) {
        return unseal(record, me.key).catch(function () { return null; });
      })).then(function (items) { return items.filter(Boolean); });
    });
  }
  // Another tab (the home page, open before the Wi-Fi went) hears of each change and shows it.
  var channel = window.BroadcastChannel ? new BroadcastChannel(DB_NAME) : null;
  function changed() { if (channel) { channel.postMessage("changed"); } }

  function saveItem(item) {
    return getMeta("owner").then(function (me) {
      if (!me || me.owner !== item.owner) { throw new Error("not this learner's tablet queue"); }
      return seal(item, me.key);
    }).then(function (record) {
      return store(ITEMS, "readwrite").then(function (s) { return promised(s.put(record)); });
    }).then(function (result) {
      changed();
      return result;
    });
  }
  function deleteItem(id) {
    return store(ITEMS, "readwrite").then(function (s) { return promised(s.delete(id)); });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // The owner the signed-in page names, or null on a page that opens no learner's queue.
  function pageOwner() {
    var meta = document.querySelector("meta[name=queue-owner]");
    return meta ? { owner: meta.getAttribute("content"), sync: meta.getAttribute("data-sync"),
                    key: meta.getAttribute("data-key"), name: meta.getAttribute("data-for") } : null;
  }

  function live(message) {
    var region = document.getElementById("live");
    if (region) { region.textContent = message; }
  }

  // ---- Sending ----------------------------------------------------------------------------------
  var syncing = false;
  var shown = {};  // item id -> words on screen, including "Sent" for items already gone

  function partsOf(item) {
    var parts = [{ kind: "entry", part: item.entry }];
    item.photos.forEach(function (photo) { parts.push({ kind: "photo", part: photo }); });
    if (item.voice) { parts.push({ kind: "voice", part: item.voice }); }
    parts.push({ kind: "send", part: item.send });
    return parts;
  }

  function post(url, token, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (response.status >= 500 || response.status === 302 || response.type === "opaqueredirect") {
        throw new Error("server");
      }
      return response.json().then(function (body) { return { ok: response.ok, body: body }; }, function () {
        throw new Error("not json");
      });
    });
  }

  function formFor(item, entry) {
    var data = new FormData();
    data.append("key", entry.part.key);
    if (entry.kind === "entry") {
      data.append("kind", item.kind);
      data.append("place", item.place || "");
      data.append("feeling", item.feeling || "");
      data.append("made_on", item.made_on || "");
      (item.did || []).forEach(function (value) { data.append("did", value); });
    } else if (entry.kind === "photo") {
      data.append("photo", entry.part.blob, "photo.jpg");
    } else if (entry.kind === "voice") {
      data.append("voice", entry.part.blob, "voice." + (entry.part.type.indexOf("mp4") >= 0 ? "m4a" : "webm"));
    }
    return data;
  }

  function urlFor(ready, item, kind) {
    if (kind === "entry") { return ready.entries; }
    var base = ready.entries + "/" + item.entry.key;
    return base + (kind === "photo" ? "/photos" : kind === "voice" ? "/voice" : "/send");
  }

  // Send one item's remaining parts in order. Resolves "sent", "refused" or rejects (no network).
  function sendItem(item, ready) {
    var parts = partsOf(item);
    var chain = Promise.resolve();
    var stopped = null;
    parts.forEach(function (entry, index) {
      chain = chain.then(function () {
        if (stopped || entry.part.done || entry.part.left_out) { return; }
        show(item, "Sending " + (index + 1) + " of " + parts.length, "sending");
        return post(urlFor(ready, item, entry.kind), ready.csrf_token, formFor(item, entry)).then(function (answer) {
          if (!answer.ok) {
            stopped = "refused";
            entry.part.refused = answer.body.refused || "This was not taken.";
            item.state = "refused";
            item.refused = entry.part.refused;
            return saveItem(item);
          }
          entry.part.done = true;
          if (entry.part.blob) { entry.part.blob = null; }  // sent: free the tablet's space
          return saveItem(item);
        });
      });
    });
    return chain.then(function () {
      if (stopped) { return stopped; }
      return deleteItem(item.id).then(function () { return "sent"; });
    });
  }

  function syncNow() {
    var here = pageOwner();
    if (!here || syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var ready = null;
    return itemsFor(here.owner).then(function (items) {
      var waiting = items.filter(function (item) { return item.state !== "refused"; });
      if (!waiting.length) { return; }
      return fetch(here.sync, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("not ready"); }
          return response.json();
        })
        .then(function (answer) {
          if (answer.owner !== here.owner) { throw new Error("another learner"); }
          ready = answer;
          return waiting.reduce(function (chain, item) {
            return chain.then(function () {
              return sendItem(item, ready).then(function (result) {
                show(item, result === "sent" ? "Sent" : item.refused, result);
              });
            });
          }, Promise.resolve());
        });
    }).catch(function () {
      Object.keys(shown).forEach(function (id) { if (shown[id].state === "sending") { delete shown[id]; } });
      live("Not sent yet. It will be sent when there is Wi-Fi.");
    }).then(function () {
      syncing = false;
      return render();
    });
  }

  // ---- The "Waiting to send" list on the learner's home ---------------------------------------
  function show(item, words, state) {
    shown[item.id] = { words: words, state: state, title: item.kind_label };
    live(item.kind_label + ": " + words);
    var row = document.querySelector("[data-queue-item='" + item.id + "']");
    if (row) { paint(row, shown[item.id]); }
  }

  function paint(row, view) {
    var region = document.querySelector("[data-offline-queue]");
    var words = view.title + ": " + view.words;
    row.setAttribute("data-state", view.state);
    row.querySelector("[data-item-words]").textContent = words;
    var hear = row.querySelector(".hear");
    hear.setAttribute("data-say", words);
    hear.removeAttribute("data-src");  // new words: the device's own voice reads them
    hear.setAttribute("aria-label", "Hear: " + words);
    var picture = row.querySelector("[data-item-symbol]");
    picture.src = region.getAttribute("data-symbol-" + view.state) || picture.src;
    row.querySelector("[data-item-decide]").hidden = view.state !== "refused";
  }

  function render() {
    var region = document.querySelector("[data-offline-queue]");
    var here = pageOwner();
    if (!region || !here) { return Promise.resolve(); }
    return itemsFor(here.owner).then(function (items) {
      var ids = items.map(function (item) { return item.id; });
      Object.keys(shown).forEach(function (id) { if (ids.indexOf(id) < 0 && shown[id].state === "sent") { ids.push(id); } });
      region.textContent = "";
      if (!ids.length) { return; }
      region.appendChild(document.getElementById("offline-queue-template").content.cloneNode(true));
      var list = region.querySelector("[data-queue-list]");
      var row = document.getElementById("offline-item-template");
      ids.forEach(function (id, index) {
        var item = items.filter(function (i) { return i.id === id; })[0];
        var view = shown[id] || { words: item.state === "refused" ? item.refused : "Waiting to send",
                                  state: item.state === "refused" ? "refused" : "waiting", title: item.kind_label };
        var copy = row.content.firstElementChild.cloneNode(true);
        copy.setAttribute("data-queue-item", id);
        copy.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-" + index; });
        list.appendChild(copy);
        paint(copy, view);
      });
    }).catch(function () { /* no IndexedDB here: nothing to show */ });
  }

  function decide(id, choice) {
    var here = pageOwner();
    return itemsFor(here ? here.owner : "").then(function (items) {
      var item = items.filter(function (i) { return i.id === id; })[0];
      if (!item) { return; }
      var refusedPart = partsOf(item).filter(function (entry) { return entry.part.refused && !entry.part.done; })[0];
      if (choice === "leave-out" && (!refusedPart || refusedPart.kind === "entry" || refusedPart.kind === "send")) {
        delete shown[id];
        return deleteItem(id);
      }
      if (refusedPart) {
        if (choice === "leave-out") { refusedPart.part.left_out = true; refusedPart.part.blob = null; }
        delete refusedPart.part.refused;
      }
      item.state = "waiting";
      delete item.refused;
      delete shown[id];
      return saveItem(item);
    }).then(function () { return render(); }).then(syncNow);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-queue-action]") : null;
    if (!button) { return; }
    var row = button.closest("[data-queue-item]");
    var action = button.getAttribute("data-queue-action");
    if (action === "send-now") { syncNow(); return; }
    if (row) { decide(row.getAttribute("data-queue-item"), action); }
  });

  // ---- Signing in and out -----------------------------------------------------------------------
  // On a signed-out page, forget who the tablet's learner is and drop what is personal and already
  // sent. Unsent items stay, still filed under their owner, for the next time that learner signs in.
  function signedOut() {
    return deleteMeta("owner").then(allItems).then(function (items) {
      return Promise.all(items.filter(function (item) { return item.state === "sent"; })
        .map(function (item) { return deleteItem(item.id); }));
    });
  }

  function start() {
    var here = pageOwner();
    if (here) {
      importKey(here.key).then(function (key) {
        // ``name``: the learner's first name when an adult opened their page, so the offline entry
        // page can say whom the entry is for; forgotten with the rest at sign-out.
        return setMeta("owner", { owner: here.owner, sync: here.sync, key: key, name: here.name || null });
      }).then(render).then(syncNow).catch(function () {});
      window.addEventListener("online", syncNow);
      if (channel) { channel.onmessage = function () { if (!syncing) { render(); } }; }
    } else if (document.body.hasAttribute("data-signed-out")) {
      signedOut().catch(function () {});
    }
  }

  window.offlineQueue = {
    currentOwner: function () { return getMeta("owner"); },
    mine: function () {
      return getMeta("owner").then(function (me) { return me ? itemsFor(me.owner) : []; });
    },
    saveItem: saveItem,
    newKey: newKey,
    syncNow: syncNow,
    signedOut: signedOut
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
