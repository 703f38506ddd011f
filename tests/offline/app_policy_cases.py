"""Access-matrix cases for the installable app: the manifest, the service worker and the offline
page are public and the same for everyone, signed in or not."""
from __future__ import annotations

from tests.web.policy_matrix import Case, everyone

CASES = [
    Case("app_shell.manifest", "GET", lambda w: "/manifest.webmanifest", everyone(200)),
    Case("app_shell.service_worker", "GET", lambda w: "/sw.js", everyone(200)),
    Case("app_shell.offline", "GET", lambda w: "/offline", everyone(200)),
]
