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

  // After an htmx swap, move focus to the new content's heading so keyboard and
  // screen-reader users know something changed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var heading = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector("h2");
    var status = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector("[role=status]");
    if (status) { live(status.textContent.trim().split("\n")[0]); }
    if (heading) { heading.setAttribute("tabindex", "-1"); }
  });
})();
