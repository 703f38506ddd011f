// The entry made with no Wi-Fi: one step at a time, like the online steps, kept on the tablet by
// offline-queue.js under the learner who was last signed in here. Photos are made smaller on the
// tablet (longest side 1600 px, JPEG) before they are kept, so a dozen do not fill it.
(function () {
  "use strict";
  var root = document.querySelector("[data-offline-entry]");
  if (!root || !window.offlineQueue) { return; }
  var STEPS = ["kind", "place", "photos", "did", "feeling", "voice", "send"];
  var LONGEST = 1600, QUALITY = 0.85, THUMB = 160;
  var at = 0, owner = null, saving = false;
  var entry = null;

  function fresh() {
    return { kind: "", place: "", did: [], feeling: "", photos: [] };
  }

  function $(selector) { return root.querySelector(selector); }
  function live(message) {
    var region = document.getElementById("live");
    if (region) { region.textContent = message; }
  }
  function problem(message) {
    var box = $("[data-offline-problem]");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function showStep(index) {
    at = index;
    problem("");
    STEPS.forEach(function (key, i) {
      $("[data-step='" + key + "']").hidden = i !== index;
      var marker = $("[data-progress='" + key + "']");
      marker.className = i < index ? "done" : (i === index ? "current" : "later");
      if (i === index) { marker.setAttribute("aria-current", "step"); } else { marker.removeAttribute("aria-current"); }
    });
    $("[data-offline-nav]").hidden = false;
    document.getElementById("offline-back").disabled = index === 0;
    document.getElementById("offline-next").closest(".action").hidden = index === STEPS.length - 1;
    if (STEPS[index] === "send") { $("[data-summary]").textContent = summary(); }
    var heading = document.getElementById("offline-question-" + STEPS[index]);
    live(heading ? heading.textContent.trim() : "");
  }

  function labelOf(name, value) {
    var button = root.querySelector("button[name='" + name + "'][value='" + value + "']");
    return button ? button.querySelector(".choice-text").textContent.trim() : "";
  }

  function summary() {
    var parts = [labelOf("kind", entry.kind) || "Nothing chosen yet"];
    if (entry.place) { parts.push(labelOf("place", entry.place)); }
    if (entry.photos.length) { parts.push(entry.photos.length + (entry.photos.length === 1 ? " photo" : " photos")); }
    if (entry.feeling) { parts.push(labelOf("feeling", entry.feeling)); }
    if (voiceFile()) { parts.push("Your voice"); }
    return parts.join(". ") + ".";
  }

  function press(button, on) { button.setAttribute("aria-pressed", on ? "true" : "false"); }

  function choose(button) {
    var name = button.getAttribute("name"), value = button.value;
    if (name === "did") {
      var i = entry.did.indexOf(value);
      if (i >= 0) { entry.did.splice(i, 1); } else { entry.did.push(value); }
      press(button, i < 0);
      return;
    }
    entry[name] = value;
    root.querySelectorAll("button[name='" + name + "']").forEach(function (b) { press(b, b === button); });
    if (name === "kind" || name === "feeling") { showStep(at + 1); }
  }

  function showCategory(button) {
    var key = button.getAttribute("data-category");
    root.querySelectorAll("[data-category]").forEach(function (tab) {
      var on = tab === button;
      tab.setAttribute("aria-pressed", on ? "true" : "false");
      tab.classList.toggle("button-primary", on);
      tab.classList.toggle("button-secondary", !on);
    });
    root.querySelectorAll("[data-category-grid]").forEach(function (grid) {
      grid.hidden = grid.getAttribute("data-category-grid") !== key;
    });
  }

  // ---- Photos ----------------------------------------------------------------------------------
  function toBlob(canvas, type, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, type, quality); });
  }

  function draw(bitmap, longest) {
    var scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  // A smaller JPEG and a thumbnail; a file the tablet cannot open is kept as it is for the server.
  function shrink(file) {
    if (!window.createImageBitmap) { return Promise.resolve({ blob: file, thumb: "" }); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var thumb = draw(bitmap, THUMB).toDataURL("image/jpeg", 0.7);
      return toBlob(draw(bitmap, LONGEST), "image/jpeg", QUALITY).then(function (blob) {
        if (bitmap.close) { bitmap.close(); }
        return { blob: blob || file, thumb: thumb };
      });
    }, function () { return { blob: file, thumb: "" }; });
  }

  function renderPhotos() {
    var list = $("[data-photo-list]");
    list.textContent = "";
    entry.photos.forEach(function (photo, index) {
      var item = document.createElement("li");
      item.className = "photo-item";
      if (photo.thumb) {
        var img = document.createElement("img");
        img.className = "photo-thumb";
        img.src = photo.thumb;
        img.alt = "Photo " + (index + 1);
        item.appendChild(img);
      }
      var remove = document.getElementById("offline-photo-remove-template").content.firstElementChild.cloneNode(true);
      remove.querySelector("button.button").id = "offline-photo-remove-" + index;
      remove.querySelector("button.button").setAttribute("data-remove-photo", String(index));
      item.appendChild(remove);
      list.appendChild(item);
    });
    var words = entry.photos.length ? entry.photos.length + (entry.photos.length === 1 ? " photo" : " photos") + " kept." : "";
    $("[data-photo-state]").textContent = words;
  }

  function addPhotos(files) {
    var chosen = Array.prototype.slice.call(files, 0, Math.max(0, 12 - entry.photos.length));
    $("[data-photo-state]").textContent = "Keeping your photo…";
    return chosen.reduce(function (chain, file) {
      return chain.then(function () {
        return shrink(file).then(function (made) { entry.photos.push(made); });
      });
    }, Promise.resolve()).then(renderPhotos);
  }

  function voiceFile() {
    var input = document.getElementById("offline-voice-file");
    return input && input.files && input.files.length ? input.files[0] : null;
  }

  // ---- Saving ----------------------------------------------------------------------------------
  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function save() {
    if (saving) { return; }
    if (!entry.kind) { problem("Please choose what you did first."); showStep(0); return; }
    saving = true;
    var key = window.offlineQueue.newKey;
    var voice = voiceFile();
    var item = {
      id: key(), owner: owner.owner, made_at: new Date().toISOString(), made_on: today(), state: "waiting",
      kind: entry.kind, kind_label: labelOf("kind", entry.kind), place: entry.place, did: entry.did.slice(),
      feeling: entry.feeling, entry: { key: key() }, send: { key: key() },
      photos: entry.photos.map(function (photo) { return { key: key(), blob: photo.blob, thumb: photo.thumb }; }),
      voice: voice ? { key: key(), blob: voice, type: voice.type || "audio/webm" } : null
    };
    window.offlineQueue.saveItem(item).then(function () {
      STEPS.forEach(function (k) { $("[data-step='" + k + "']").hidden = true; });
      $("[data-offline-nav]").hidden = true;
      $("[data-offline-progress]").hidden = true;
      var saved = $("[data-offline-saved]");
      saved.hidden = false;
      saved.focus();
      live("Your entry is saved on this tablet. It will be sent when there is Wi-Fi.");
    }, function () {
      problem("This tablet could not keep your entry. Ask an adult to help.");
    }).then(function () { saving = false; });
  }

  function again() {
    entry = fresh();
    root.querySelectorAll("button[aria-pressed]").forEach(function (b) {
      if (!b.hasAttribute("data-category")) { press(b, false); }
    });
    var input = document.getElementById("offline-voice-file");
    if (input) { input.value = ""; }
    renderPhotos();
    $("[data-offline-saved]").hidden = true;
    $("[data-offline-progress]").hidden = false;
    showStep(0);
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !root.contains(button)) { return; }
    if (button.hasAttribute("data-category")) { showCategory(button); return; }
    if (button.hasAttribute("data-remove-photo")) {
      entry.photos.splice(parseInt(button.getAttribute("data-remove-photo"), 10), 1);
      renderPhotos();
      return;
    }
    var name = button.getAttribute("name");
    if (name && button.classList.contains("symbol-choice")) { event.preventDefault(); choose(button); return; }
    if (button.id === "offline-next") { showStep(Math.min(at + 1, STEPS.length - 1)); }
    else if (button.id === "offline-back") { showStep(Math.max(at - 1, 0)); }
    else if (button.id === "offline-send") { save(); }
    else if (button.id === "offline-another") { again(); }
  });

  document.getElementById("offline-photo-input").addEventListener("change", function (event) {
    addPhotos(event.target.files).then(function () { event.target.value = ""; });
  });

  // An adult making the entry for a learner sees (and can hear) whom it is for. The words are the
  // learner's name, never in the shared page itself, so the tablet's own voice says them.
  function showFor(name) {
    var box = $("[data-offline-for]");
    var words = "For " + name;
    box.querySelector("[data-offline-for-words]").textContent = words;
    var hear = box.querySelector(".hear");
    hear.setAttribute("data-say", words);
    hear.removeAttribute("data-src");
    hear.setAttribute("aria-label", "Hear: " + words);
    box.hidden = false;
  }

  $("[data-offline-needs-script]").hidden = true;
  entry = fresh();
  window.offlineQueue.currentOwner().then(function (found) {
    owner = found;
    if (!owner) { $("[data-offline-no-owner]").hidden = false; return; }
    if (owner.name) { showFor(owner.name); }
    $("[data-offline-progress]").hidden = false;
    showStep(0);
  }, function () { $("[data-offline-no-owner]").hidden = false; });
})();
