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
  }

  function play(button) {
    var text = button.getAttribute("data-say") || "";
    var src = button.getAttribute("data-src");
    if (current) { current.audio.pause(); reset(current.button); }
    button.setAttribute("data-state", "playing");
    if (!src) { browserVoice(text, button); return; }
    var audio = new Audio(src);
    current = { audio: audio, button: button };
    audio.addEventListener("playing", function () {
      document.body.setAttribute("data-audio-playing", audio.currentSrc);
    });
    audio.addEventListener("ended", function () { reset(button); });
    audio.addEventListener("error", function () { browserVoice(text, button); });
    var started = audio.play();
    if (started && started.catch) { started.catch(function () { browserVoice(text, button); }); }
  }

  document.addEventListener("click", function (event) {
    var hear = event.target.closest("button.hear");
    if (hear) { event.preventDefault(); play(hear); return; }
    var print = event.target.closest("#print-button");
    if (print) { window.print(); }
  });

  // After an htmx swap, tell screen-reader users what happened and move focus to the new
  // content's heading. With an outerHTML swap the old target has left the page, so look the
  // new element up by its id.
  document.addEventListener("htmx:afterSwap", function (event) {
    var old = event.detail.target;
    var fresh = (old && old.id && document.getElementById(old.id)) || event.target;
    if (!fresh || !fresh.querySelector) { return; }
    var status = fresh.querySelector("[role=status] p, [role=alert] p");
    if (status) { live(status.textContent.trim()); }
    var heading = fresh.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });
})();
