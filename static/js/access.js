// A learner's access settings on the tablet: the tablet's copy of them, hear-before-choose and switch
// scanning. No inline script anywhere: the CSP forbids it.
//
// Settings arrive three ways:
//  - on every learner page, as classes and data-access on <html>, rendered by the server (no flash);
//  - on every answer to a learner's tablet, in the X-Access-Settings header, so an htmx swap on a page
//    already open puts a change staff just made into effect;
//  - from localStorage ("mns-access"), written by the last learner page, for a page that loads before the
//    server can answer (the offline shell marks itself with data-access-stored on <html>). Another tab on
//    the same tablet hears of a change through the storage event.
//
// Switch scanning keys:
//  - One switch ("one-switch"): the highlight moves by itself, every scan_seconds. Any key the switch
//    sends (Space, Enter, or any other key but Shift, Ctrl, Alt and Cmd on their own) chooses. The first
//    press on a page where scanning has not started yet starts it.
//  - Two switches ("two-switch"): Space or Enter chooses; any other key (Tab, an arrow, a number, the
//    second switch's key) moves the highlight on.
// Scanning goes by row (the step strip, each row of the choice grid, the Back and Next bar, the header),
// then along the chosen row. A row with one item is chosen at once.
(function () {
  "use strict";
  var KEY = "mns-access";
  var RUNNING = "mns-scan-running";
  var HEADER = "X-Access-Settings";
  var root = document.documentElement;
  var OUR_CLASSES = ["text-large", "text-extra-large", "contrast-high", "symbols-off", "words-off", "scan-on", "hear-first"];
  var settings = null;

  // ---------------------------------------------------------------- the settings and their copy

  function classesFor(s) {
    var found = [];
    if (s.text_size && s.text_size !== "normal") { found.push("text-" + s.text_size); }
    if (s.high_contrast) { found.push("contrast-high"); }
    if (s.symbol_mode === "text-only") { found.push("symbols-off"); }
    if (s.symbol_mode === "symbols-only") { found.push("words-off"); }
    if (s.scan_mode && s.scan_mode !== "off") { found.push("scan-on"); }
    if (s.hear_first) { found.push("hear-first"); }
    return found;
  }

  function parse(text) {
    try { return text ? JSON.parse(text) : null; } catch (problem) { return null; }
  }

  function keep(text) {
    try { window.localStorage.setItem(KEY, text); } catch (problem) { /* private browsing: no copy */ }
  }

  function apply(text) {
    var fresh = parse(text);
    if (!fresh) { return; }
    OUR_CLASSES.forEach(function (name) { root.classList.remove(name); });
    classesFor(fresh).forEach(function (name) { root.classList.add(name); });
    root.setAttribute("data-access", text);
    var wasScanning = settings && settings.scan_mode !== "off";
    settings = fresh;
    if (wasScanning && (fresh.scan_mode === "off")) { stopScanning(); }
  }

  var served = root.getAttribute("data-access");
  if (served) {
    settings = parse(served);
    keep(served);
  } else if (root.hasAttribute("data-access-stored")) {
    try { apply(window.localStorage.getItem(KEY)); } catch (problem) { /* no storage */ }
  }

  function heardFromServer(text) {
    if (!text || !root.hasAttribute("data-access") || text === root.getAttribute("data-access")) { return; }
    apply(text);
    keep(text);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.getResponseHeader) { heardFromServer(xhr.getResponseHeader(HEADER)); }
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY && event.newValue) { heardFromServer(event.newValue); }
  });

  // ---------------------------------------------------------------- speaking

  var playing = null;

  function deviceVoice(text) {
    if (!("speechSynthesis" in window)) { return; }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "en-GB";
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  // Speak ``text`` from ``src`` (a Hear button's MP3), else through the tap-speech route, else the device.
  function speak(text, src) {
    if (!text) { return; }
    if (playing) { playing.pause(); playing = null; }
    document.body.setAttribute("data-access-said", text);
    var base = document.body.getAttribute("data-tap-speech");
    var url = src || (base ? base + "?t=" + encodeURIComponent(text.slice(0, 600)) : null);
    if (!url) { deviceVoice(text); return; }
    var audio = new Audio(url);
    playing = audio;
    audio.addEventListener("playing", function () { document.body.setAttribute("data-audio-playing", audio.currentSrc); });
    audio.addEventListener("error", function () { deviceVoice(text); });
    var started = audio.play();
    if (started && started.catch) { started.catch(function () { /* not allowed yet: the next press plays */ }); }
  }

  function nameOf(control) {
    var words = control.querySelector && control.querySelector(".choice-text, .button-text, .step-label");
    var text = control.getAttribute("aria-label") || (words ? words.textContent : control.textContent) || control.value || "";
    return text.replace(/\s+/g, " ").trim();
  }

  // The words for a control and where to hear them: its own data-say, the Hear button beside it, or its name.
  function wordsFor(control) {
    if (control.hasAttribute("data-say")) {
      return { text: control.getAttribute("data-say"), src: control.getAttribute("data-src") };
    }
    var holder = control.closest(".choice-tile, .action, .step-item, .file-pick");
    var hear = holder && holder.querySelector(".hear");
    if (hear) { return { text: hear.getAttribute("data-say"), src: hear.getAttribute("data-src") }; }
    return { text: nameOf(control), src: null };
  }

  function say(control) {
    var words = wordsFor(control);
    speak(words.text, words.src);
  }

  function tell(message) {
    var region = document.getElementById("live");
    if (region) { region.textContent = message; }
  }

  // ---------------------------------------------------------------- hear-before-choose

  var HEAR_FIRST = ".symbol-choice, .word-tile, .picture-choice, .step-jump, .button, label.file-button";
  var NOT_HEAR_FIRST = ".recorder, .play-recording, .hear";
  var passing = null;  // a control scanning chooses after it was already heard

  function hearFirst(event) {
    if (!settings || !settings.hear_first || !event.target || !event.target.closest) { return; }
    var control = event.target.closest(HEAR_FIRST);
    if (!control || control.closest(NOT_HEAR_FIRST) || control === passing) { return; }
    if (control.getAttribute("data-heard") === "true") {
      control.removeAttribute("data-heard");
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    document.querySelectorAll("[data-heard]").forEach(function (other) { other.removeAttribute("data-heard"); });
    control.setAttribute("data-heard", "true");
    say(control);
    tell(nameOf(control) + ". Tap again to choose it.");
  }
  // Capture: this runs before htmx's own handler on the button, and before a link or form acts.
  document.addEventListener("click", hearFirst, true);

  // ---------------------------------------------------------------- switch scanning

  var CANDIDATES = "a[href], button, input:not([type=hidden]):not([type=file]), select, textarea, summary, label.file-button";
  var scan = { rows: [], row: -1, item: -1, mode: "rows", timer: null, running: false, quiet: 0, loops: 0 };
  var frame = null;

  function usable(el) {
    if (el.disabled || el.closest("[hidden], .site-footer, .skip-link, .visually-hidden") || el.matches(".hear, .skip-link")) {
      return false;
    }
    if (el.getAttribute("tabindex") === "-1" && !el.matches("label")) { return false; }
    var box = el.getBoundingClientRect();
    var style = window.getComputedStyle(el);
    return box.width > 4 && box.height > 4 && style.visibility !== "hidden";
  }

  // Visual rows: items whose middle lies within the first item's height share its row.
  function visualRows(items) {
    var placed = items.map(function (el) { return { el: el, box: el.getBoundingClientRect() }; });
    placed.sort(function (a, b) { return (a.box.top - b.box.top) || (a.box.left - b.box.left); });
    var rows = [];
    placed.forEach(function (p) {
      var last = rows[rows.length - 1];
      var middle = p.box.top + p.box.height / 2;
      if (last && middle >= last.top && middle <= last.bottom) { last.items.push(p); return; }
      rows.push({ top: p.box.top, bottom: p.box.bottom, items: [p] });
    });
    return rows.map(function (row) {
      row.items.sort(function (a, b) { return a.box.left - b.box.left; });
      return row.items.map(function (p) { return p.el; });
    });
  }

  // Rows in reading order: the page's own rows, then the fixed Back and Next bar, then the header.
  function buildRows() {
    var all = Array.prototype.filter.call(document.querySelectorAll(CANDIDATES), usable);
    var inBar = function (el) { return !!el.closest(".step-nav"); };
    var inHeader = function (el) { return !!el.closest(".site-header"); };
    var rows = visualRows(all.filter(function (el) { return !inBar(el) && !inHeader(el); }));
    [all.filter(inBar), all.filter(inHeader)].forEach(function (row) { if (row.length) { rows.push(row); } });
    return rows;
  }

  function clearMarks() {
    document.querySelectorAll("[data-scan]").forEach(function (el) { el.removeAttribute("data-scan"); });
    if (frame) { frame.hidden = true; }
  }

  function frameAround(items) {
    if (!frame) {
      frame = document.createElement("div");
      frame.className = "scan-frame";
      frame.setAttribute("aria-hidden", "true");
      document.body.appendChild(frame);
    }
    var top = Infinity, left = Infinity, bottom = -Infinity, right = -Infinity;
    items.forEach(function (el) {
      var box = el.getBoundingClientRect();
      top = Math.min(top, box.top); left = Math.min(left, box.left);
      bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
    });
    var pad = 10;
    frame.style.top = (top - pad) + "px";
    frame.style.left = (left - pad) + "px";
    frame.style.width = (right - left + 2 * pad) + "px";
    frame.style.height = (bottom - top + 2 * pad) + "px";
    frame.hidden = false;
  }

  function bringIntoView(el) {
    var box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { el.scrollIntoView({ block: "nearest" }); }
  }

  function showRow() {
    clearMarks();
    var row = scan.rows[scan.row];
    if (!row) { return; }
    row.forEach(function (el) { el.setAttribute("data-scan", "row"); });
    if (!row[0].closest(".step-nav, .site-header")) { bringIntoView(row[0]); }
    frameAround(row);
    if (settings.scan_speaks) {
      if (row.length === 1) { say(row[0]); } else { speak(row.slice(0, 4).map(nameOf).join(", ") + (row.length > 4 ? ", and more" : ""), null); }
    }
  }

  function showItem() {
    clearMarks();
    var el = scan.rows[scan.row] && scan.rows[scan.row][scan.item];
    if (!el) { return; }
    el.setAttribute("data-scan", "item");
    bringIntoView(el);
    el.focus({ preventScroll: true });
    if (settings.scan_speaks) { say(el); }
  }

  function stopScanning() {
    if (scan.timer) { window.clearInterval(scan.timer); scan.timer = null; }
    scan.running = false;
    clearMarks();
  }

  // One step of the highlight: the next row, or the next item along the chosen row.
  function move() {
    scan.rows = buildRows();
    if (!scan.rows.length) { return; }
    if (scan.mode === "items") {
      var row = scan.rows[scan.row] || [];
      scan.item += 1;
      if (scan.item >= row.length) { scan.item = 0; scan.loops += 1; }
      if (scan.loops >= 2 || !row.length) { scan.mode = "rows"; scan.loops = 0; showRow(); return; }
      showItem();
      return;
    }
    scan.row = (scan.row + 1) % scan.rows.length;
    if (scan.row === 0) { scan.quiet += 1; }
    if (scan.quiet > 3 && settings.scan_mode === "one-switch") { stopScanning(); tell("Scanning stopped. Press the switch to start again."); return; }
    showRow();
  }

  function restartTimer() {
    if (scan.timer) { window.clearInterval(scan.timer); scan.timer = null; }
    if (settings.scan_mode === "one-switch" && scan.running) {
      var seconds = Math.max(0.2, Number(settings.scan_seconds) || 2);
      scan.timer = window.setInterval(move, seconds * 1000);
    }
  }

  // ``quietly``: the first highlight waits one beat (the step's question is being read out).
  function start(quietly) {
    scan.running = true;
    scan.mode = "rows";
    scan.row = -1;
    scan.quiet = 0;
    try { window.sessionStorage.setItem(RUNNING, "1"); } catch (problem) { /* no storage */ }
    if (!quietly) { move(); }
    restartTimer();
  }

  function activate(el) {
    clearMarks();
    scan.mode = "rows";
    scan.quiet = 0;
    scan.row -= 1;  // the next step highlights the same row again: the learner may want another choice there
    passing = settings.scan_speaks ? el : null;
    try { el.click(); } finally { passing = null; }
    if (el.matches("input[type=text], textarea, select")) { el.focus(); }
    restartTimer();
  }

  function choose() {
    scan.rows = buildRows();
    var row = scan.rows[scan.row];
    if (scan.mode === "rows") {
      if (!row) { move(); return; }
      if (row.length === 1) { activate(row[0]); return; }
      scan.mode = "items";
      scan.item = 0;
      scan.loops = 0;
      showItem();
      restartTimer();
      return;
    }
    var el = row && row[scan.item];
    if (el) { activate(el); } else { scan.mode = "rows"; move(); }
  }

  var MODIFIERS = ["Shift", "Control", "Alt", "Meta", "CapsLock"];

  function typing(target) {
    return target && target.matches && target.matches("input[type=text], input[type=search], input[type=email], textarea, [contenteditable]");
  }

  function onKey(event) {
    if (!settings || settings.scan_mode === "off" || !root.classList.contains("page-learner")) { return; }
    if (MODIFIERS.indexOf(event.key) >= 0 || typing(event.target)) { return; }
    event.preventDefault();
    event.stopPropagation();
    if (event.repeat) { return; }  // a switch held down is one press
    var selects = event.key === " " || event.key === "Enter";
    if (settings.scan_mode === "one-switch") {
      if (!scan.running) { start(false); } else { choose(); }
      return;
    }
    if (!scan.running) { scan.running = true; scan.mode = "rows"; scan.row = -1; }
    if (selects && scan.row >= 0) { choose(); } else { move(); }
  }
  window.addEventListener("keydown", onKey, true);
  // Space activates a focused button when it comes up: the press was already used, so swallow it.
  window.addEventListener("keyup", function (event) {
    if (settings && settings.scan_mode !== "off" && (event.key === " " || event.key === "Enter") && !typing(event.target)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  function resumeIfRunning() {
    if (!settings || settings.scan_mode !== "one-switch" || !root.classList.contains("page-learner")) { return; }
    var was = null;
    try { was = window.sessionStorage.getItem(RUNNING); } catch (problem) { was = null; }
    if (!was) { return; }
    // Scanning carried on from the page before, where the learner pressed the switch: say where they are now.
    var question = document.querySelector("[data-step-question]");
    if (question && settings.scan_speaks) {
      var hear = question.parentNode && question.parentNode.querySelector(".hear");
      speak(question.getAttribute("data-step-question"), hear ? hear.getAttribute("data-src") : null);
    }
    start(!!(question && settings.scan_speaks));
  }

  document.addEventListener("DOMContentLoaded", resumeIfRunning);
  // After an htmx swap the rows are rebuilt at the next step; the frame is moved at once.
  document.addEventListener("htmx:afterSettle", function () {
    if (scan.running && scan.mode === "rows" && scan.row >= 0) { scan.rows = buildRows(); }
  });
  window.addEventListener("scroll", function () {
    if (!scan.running || !frame || frame.hidden) { return; }
    var row = scan.rows[scan.row];
    if (scan.mode === "rows" && row) { frameAround(row); }
  }, { passive: true });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && scan.timer) { window.clearInterval(scan.timer); scan.timer = null; } else if (!document.hidden) { restartTimer(); }
  });
})();
