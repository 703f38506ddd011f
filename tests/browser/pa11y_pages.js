"use strict";
// pa11y (HTML_CodeSniffer, WCAG 2 AA) over every page named on stdin, in one Chromium.
// Reads {"chromium": path, "viewport": {...}, "ignore": [codes], "pages": [{"url", "cookie"}]} and
// prints {"<url>": [issues]} as JSON. Cookies go as a request header, so signed-in pages are checked
// as their person sees them.
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

async function main(request) {
  const browser = await puppeteer.launch({
    executablePath: request.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const found = {};
  try {
    for (const page of request.pages) {
      const result = await pa11y(page.url, {
        browser: browser,
        standard: "WCAG2AA",
        runners: ["htmlcs"],
        viewport: request.viewport,
        headers: page.cookie ? { Cookie: page.cookie } : {},
        ignore: request.ignore,
        timeout: 60000,
      });
      found[page.url] = result.issues;
    }
  } finally {
    await browser.close();
  }
  return found;
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  main(JSON.parse(input)).then(
    (found) => { process.stdout.write(JSON.stringify(found)); },
    (error) => { console.error(error); process.exit(1); },
  );
});
