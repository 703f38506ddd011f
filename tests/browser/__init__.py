"""Browser tests: the real app, served live, driven by Debian's Chromium through Playwright."""
