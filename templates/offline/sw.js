// My Next Steps service worker, version {{ shell.version }}.
//
// Written by hand and kept small on purpose: it does four things (keep the app shell, answer
// hashed static files from the cache, show the calm offline page when a page cannot load, keep
// speech a person has heard), and a reviewer can read every line of it. A generated Workbox
// worker would add a build step and a library of strategies this app does not use.
//
// Caches:
//   mns-shell-<version>  the shell, shared by everyone on the tablet: public pages fetched without
//                        cookies, hashed static files, interface speech. Replaced by each version.
//   mns-speech           interface words heard since (public, the same for everyone).
//   personal-speech      a signed-in person's own words. Deleted at sign-out (pwa.js asks, and
//                        the "sign-out" message below does it here too).
// IndexedDB (the queue of entries made offline) belongs to the pages' scripts: never touched here.
//
// Updates: the new worker takes over at once (skipWaiting, clients.claim). Every static URL
// carries its file's hash, so a page opened under the old version still finds its files on the
// server, and the queue lives in IndexedDB, which an update never deletes. Asking a learner to
// press "Update" would be one more thing to understand, for nothing.
"use strict";

const VERSION = {{ shell.version|tojson }};
const SHELL = "mns-shell-" + VERSION;
const SHELL_PREFIX = "mns-shell-";
const SPEECH = "mns-speech";
const PERSONAL_PREFIX = "personal-";
const PERSONAL_SPEECH = PERSONAL_PREFIX + "speech";
const SHELL_PAGES = {{ shell_pages|list|tojson }};
const OFFLINE_PAGE = SHELL_PAGES[0];
const PRECACHE = {{ shell.precache|list|tojson }};
const PRECACHE_SPEECH = {{ shell.speech|list|tojson }};

// Fetched without cookies, so a signed-in tablet keeps only the anonymous copy of each page.
function publicRequest(url) {
  return new Request(url, { credentials: "omit" });
}

// A whole file for the cache: a media element asks for a byte range, and a cache will not keep
// a partial answer.
function wholeRequest(url, credentials) {
  return new Request(url, { credentials: credentials, redirect: "follow" });
}

async function keepSpeech(cache, url) {
  try {
    const response = await fetch(wholeRequest(url, "omit"));
    if (response.ok) { await cache.put(url, response); }
  } catch (error) {
    // Speech is a help, not the shell: a word the server cannot say falls back to the tablet's voice.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(PRECACHE.map(publicRequest));
    await Promise.all(PRECACHE_SPEECH.map((url) => keepSpeech(cache, url)));
    await self.skipWaiting();
  })());
});

async function deletePersonal() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PERSONAL_PREFIX)).map((name) => caches.delete(name)));
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "sign-out") {
    event.waitUntil(deletePersonal().then(() => {
      if (event.source) { event.source.postMessage({ type: "personal-cleared" }); }
    }));
  }
});

// Pages: always from the network, never stored (they may show a child's name). With no network,
// a shell page from the cache, or the calm offline page: never the browser's own error page.
async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(SHELL);
    const path = new URL(request.url).pathname;
    const own = SHELL_PAGES.includes(path) ? await cache.match(path) : undefined;
    return own || (await cache.match(OFFLINE_PAGE)) || Response.error();
  }
}

// Hashed static files never change under the same URL: the cache first, then the network; with
// neither, an older copy of the same file is better than none.
async function staticFile(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (kept) { return kept; }
  try {
    return await fetch(request);
  } catch (error) {
    const older = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    return older || Response.error();
  }
}

// Speech: the network first (it may now have the server's voice), kept for next time; with no
// network, the kept copy. With neither, an error, and the page uses the tablet's own voice.
async function speech(request, cacheName, credentials) {
  try {
    const response = await fetch(wholeRequest(request.url, credentials));
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.startsWith("audio/")) {
      const cache = await caches.open(cacheName);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request.url, { ignoreVary: true });
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") { event.respondWith(page(request)); return; }
  if (request.method !== "GET") { return; }
  if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    event.respondWith(staticFile(request));
  } else if (url.pathname.startsWith("/speech/ui/")) {
    event.respondWith(speech(request, SPEECH, "omit"));
  } else if (url.pathname.startsWith("/speech/private/") || url.pathname === "/speech/tap") {
    event.respondWith(speech(request, PERSONAL_SPEECH, "same-origin"));
  }
});
