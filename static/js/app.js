// Read-aloud, printing and small helpers. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var current = null;
  var live = function (message) {
    var region = document.getElementById("live");
    if (region) { region.textContent = message; }
  };

  function reset(button) {
    if (button) { button.removeAttribute("data-state"); }
  }

  function browserVoice(text, button) {
    // The server has no speech engine: use the device's own voice instead.
    if (!("speechSynthesis" in window)) { reset(button); live("Sorry, this device cannot read aloud."); return; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "en-GB";
    utterance.onend = function () { reset(button); };
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
    // Said, so a learner used to the app's own voice knows why it sounds different (offline, say).
    live("Using this tablet's voice.");
  }

  // Play ``src`` and mark ``marker`` (a button, or the words tapped) while it plays;
  // ``failed`` runs when it cannot play.
  function playAudio(src, marker, failed) {
    if (current) { current.audio.pause(); reset(current.button); }
    marker.setAttribute("data-state", "playing");
    var audio = new Audio(src);
    current = { audio: audio, button: marker };
    audio.addEventListener("playing", function () {
      document.body.setAttribute("data-audio-playing", audio.currentSrc);
    });
    audio.addEventListener("ended", function () { reset(marker); });
    audio.addEventListener("error", failed);
    var started = audio.play();
    if (started && started.catch) { started.catch(failed); }
  }

  // Speak ``text``: the server's MP3 at ``src`` when there is one, else the device's voice.
  function speak(text, src, marker) {
    if (!src) {
      if (current) { current.audio.pause(); reset(current.button); }
      marker.setAttribute("data-state", "playing");
      browserVoice(text, marker);
      return;
    }
    playAudio(src, marker, function () { browserVoice(text, marker); });
  }

  function play(button) {
    speak(button.getAttribute("data-say") || "", button.getAttribute("data-src"), button);
  }

  // Any other words on a page can be heard by tapping them. Controls keep their own job
  // (each has a Hear button beside it), and selecting text to copy it says nothing.
  var NOT_TAPPABLE = "a, button, input, select, textarea, option, summary, audio, video, [contenteditable], .hear";
  var WORD_BLOCKS = "p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6, legend, label, figcaption, caption, blockquote";

  function hasOwnWords(element) {
    for (var node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3 && node.nodeValue.trim()) { return true; }
    }
    return false;
  }

  function wordsOf(block) {
    var copy = block.cloneNode(true);
    copy.querySelectorAll(".hear, .visually-hidden, [aria-hidden=true], script, style").forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function tapToHear(event) {
    var target = event.target;
    if (!target || target.nodeType !== 1 || target.closest(NOT_TAPPABLE) || !hasOwnWords(target)) { return false; }
    var selection = window.getSelection && window.getSelection();
    if (selection && !selection.isCollapsed && selection.toString().trim()) { return false; }
    var block = target.closest(WORD_BLOCKS) || target;
    var text = wordsOf(block);
    if (!text) { return false; }
    var base = document.body.getAttribute("data-tap-speech");
    speak(text, base ? base + "?t=" + encodeURIComponent(text.slice(0, 600)) : null, block);
    return true;
  }

  function playRecording(button) {
    // A person's own recording: no read-aloud fallback, because the words are theirs.
    playAudio(button.getAttribute("data-src"), button, function () {
      reset(button);
      live("Sorry, the recording would not play.");
    });
  }

  document.addEventListener("click", function (event) {
    var hear = event.target.closest("button.hear");
    if (hear) { event.preventDefault(); play(hear); return; }
    var recording = event.target.closest("button.play-recording");
    if (recording) { event.preventDefault(); playRecording(recording); return; }
    var print = event.target.closest("#print-button");
    if (print) { window.print(); return; }
    tapToHear(event);
  });

  // After an htmx swap, tell screen-reader users what happened and move focus sensibly. With
  // an outerHTML swap the old target has left the page, so look the new element up by its id.
  // A tapped choice (a symbol, a word tile, a photo button) keeps the focus on its new copy,
  // so keyboard and switch users stay where they were and the page does not jump; after
  // anything else (a Save button) focus goes to the new content's heading.
  var KEEPS_FOCUS = ".symbol-choice, .word-tile, .photo-actions button";
  var focusedId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    // Safari does not focus a tapped button, so ask htmx which element sent the request.
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.matches || !elt.matches(KEEPS_FOCUS)) { elt = document.activeElement; }
    focusedId = elt && elt.matches && elt.matches(KEEPS_FOCUS) ? elt.id : null;
  });

  function announce(fresh, same) {
    var status = fresh.querySelector("[role=status] p, [role=alert] p");
    if (status) { return status.textContent.trim(); }
    if (same) {
      var label = same.querySelector(".choice-text");
      var text = (label || same).textContent.trim();
      var name = same.getAttribute("name");
      if (name === "add_word") { return "Added: " + text; }
      var on = same.getAttribute("aria-pressed") === "true";
      if (name === "toggle") { return (on ? "Chosen: " : "Taken away: ") + text; }
      if (name === "choose") { return "Chosen: " + text; }
    }
    return "Saved";
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var sender = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (sender && sender.hasAttribute && sender.hasAttribute("data-paging-list")) { return; }  // paging.js
    var old = event.detail.target;
    var fresh = (old && old.id && document.getElementById(old.id)) || event.target;
    if (!fresh || !fresh.querySelector) { return; }
    setUp(fresh);
    var same = focusedId && document.getElementById(focusedId);
    focusedId = null;
    if (same && !fresh.contains(same)) { same = null; }
    live(announce(fresh, same));
    if (same) { same.focus({ preventScroll: true }); return; }
    var heading = fresh.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });

  // Choosing a photo sends it at once; the Add button stays for browsers without script.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("form[data-auto-submit] input[type=file]")) { return; }
    if (input.files && input.files.length) {
      live("Adding your photo…");
      window.htmx.trigger(input.form, "submit");
    }
  });

  // A file choice names the file once one is chosen, as a native file box would.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file]")) { return; }
    var line = document.querySelector("[data-file-chosen-for='" + input.id + "']");
    if (!line) { return; }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    line.textContent = names.length ? "Chosen: " + names.join(", ") : "";
  });

  function swapStep(targetId, html) {
    var old = document.getElementById(targetId);
    if (!old) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.firstElementChild;
    old.replaceWith(fresh);
    window.htmx.process(fresh);
    setUp(fresh);
    var status = fresh.querySelector("[role=alert] p, [role=status] p");
    live(status ? status.textContent.trim() : "Your voice is saved.");
    var first = fresh.querySelector("#play-voice, #record-start");
    if (first) { first.focus(); }
  }

  // Voice recording with MediaRecorder: Record, Stop, Play, Redo, Keep. Chrome makes
  // WebM/Opus and Safari MP4/AAC; the server turns both into a file every browser plays.
  function recorder(box) {
    if (box.getAttribute("data-ready")) { return; }
    box.setAttribute("data-ready", "1");
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    box.hidden = false;
    var fallback = box.parentNode.querySelector("form[data-no-recorder], [data-no-recorder]");
    if (fallback && !box.getAttribute("data-fill-input")) { fallback.hidden = true; }
    var state = box.querySelector(".recorder-state");
    var timeText = box.querySelector("[data-time]");
    var limit = parseInt(box.getAttribute("data-max-seconds"), 10) || 60;
    var buttons = {};
    ["record", "stop", "play", "redo", "keep"].forEach(function (name) {
      buttons[name] = box.querySelector("[data-action=" + name + "]");
    });
    var media = null, chunks = [], blob = null, started = 0, ticker = null, stream = null, player = null;

    function enable(names) {
      Object.keys(buttons).forEach(function (name) { buttons[name].disabled = names.indexOf(name) < 0; });
    }
    function say(text) { state.textContent = text; }

    function stop() {
      if (media && media.state === "recording") { media.stop(); }
      if (ticker) { clearInterval(ticker); ticker = null; }
    }

    buttons.record.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        chunks = [];
        blob = null;
        media = new MediaRecorder(stream);
        media.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) { chunks.push(e.data); } });
        media.addEventListener("stop", function () {
          blob = new Blob(chunks, { type: media.mimeType || "audio/webm" });
          stream.getTracks().forEach(function (track) { track.stop(); });
          box.removeAttribute("data-recording");
          box.setAttribute("data-recorded", "1");
          say("Recorded. Tap Play to listen, Keep it to save, or Redo.");
          enable(["play", "redo", "keep"]);
          buttons.keep.focus();
          if (box.hasAttribute("data-keep-on-stop")) { buttons.keep.click(); }
        });
        media.start();
        started = Date.now();
        box.setAttribute("data-recording", "1");
        say("Recording… Tap Stop when you have finished.");
        enable(["stop"]);
        buttons.stop.focus();
        ticker = setInterval(function () {
          var seconds = Math.floor((Date.now() - started) / 1000);
          timeText.textContent = String(seconds);
          if (seconds >= limit) { stop(); }
        }, 250);
      }).catch(function () {
        say("The microphone is not available. Ask an adult to allow the microphone.");
      });
    });
    buttons.stop.addEventListener("click", stop);
    buttons.play.addEventListener("click", function () {
      if (!blob) { return; }
      if (player) { player.pause(); }
      player = new Audio(URL.createObjectURL(blob));
      player.addEventListener("playing", function () { document.body.setAttribute("data-audio-playing", "recording"); });
      player.play();
    });
    buttons.redo.addEventListener("click", function () {
      blob = null;
      box.removeAttribute("data-recorded");
      timeText.textContent = "0";
      say("Tap Record, then talk.");
      enable(["record"]);
      buttons.record.focus();
    });
    buttons.keep.addEventListener("click", function () {
      if (!blob) { return; }
      var type = blob.type.indexOf("mp4") >= 0 ? "m4a" : "webm";
      var fill = box.getAttribute("data-fill-input");
      if (fill) {
        // Part of a bigger form (a parent's comment): the recording goes with the form's Send.
        var input = document.getElementById(fill);
        var files = new DataTransfer();
        files.items.add(new File([blob], "voice." + type, { type: blob.type }));
        input.files = files.files;
        say("Your message is ready. Tap Send to send it, or Redo.");
        enable(["play", "redo"]);
        return;
      }
      enable([]);
      say("Saving your voice…");
      var data = new FormData();
      data.append("voice", blob, "voice." + type);
      var token = document.querySelector("input[name=csrf_token]");
      fetch(box.getAttribute("data-upload"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": token ? token.value : "",
          "HX-Request": "true",
          "HX-Target": box.getAttribute("data-target")
        }
      }).then(function (response) { return response.text(); })
        .then(function (html) { swapStep(box.getAttribute("data-target"), html); })
        .catch(function () {
          say("Your voice did not save. Check the connection and tap Keep it again.");
          enable(["play", "redo", "keep"]);
        });
    });
  }

  function setUp(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-recorder]").forEach(recorder);
  }
  setUp(document);

  // A step says where the learner is ("Step 2 of 6: Where did you go?") in the polite live region once
  // the page has settled, so a screen reader hears it; nothing is spoken aloud by itself.
  var where = document.querySelector("[data-announce]");
  if (where) {
    setTimeout(function () { live(where.getAttribute("data-announce")); }, 400);
  }
})();
