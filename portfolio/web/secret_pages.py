"""The web side of secret links: the calm page for a link that no longer works, and the headers that
keep a page with a secret in its address out of caches, search engines and referrers."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from portfolio.secret_links import LinkState

_GONE = {
    LinkState.EXPIRED: ("This link has expired", "clock",
                        "The page was only shared for a while. Please ask the school for a new link."),
    LinkState.REVOKED: ("This link has been stopped", "stop",
                        "The school has stopped this link. Please ask the school for a new link."),
    LinkState.UNKNOWN: ("We cannot find this page", "warning",
                        "The link may be wrong or cut short. Please check it, or ask the school for a new link."),
}


def not_available(state: LinkState) -> tuple[str, int]:
    """410 for a link that existed and was stopped or ran out; 404 when there is nothing to say more."""
    title, symbol_name, message = _GONE[state]
    status = 410 if state in {LinkState.EXPIRED, LinkState.REVOKED} else 404
    return render_template("sharing/unavailable.html", title=title, symbol_name=symbol_name, message=message), status


def keep_private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def keep_pages_private(blueprint: Blueprint, endpoints: frozenset[str]) -> None:
    """Every answer from these endpoints (pages with a secret in their address) stays out of caches,
    search engines and referrers."""

    @blueprint.after_request
    def _keep_private(response: Response) -> Response:
        return keep_private(response) if request.endpoint in endpoints else response
