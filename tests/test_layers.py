"""The package map holds: a lower package never imports a higher one, and services stay plain.

``docs/architecture.md`` draws the same map. Services (anything that is not a routes module or
named web glue) take what they need as arguments: they never read the request, the session or
the app, and never import a blueprint.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "portfolio"

# Lowest first. A module may import its own package and any package of a lower rank.
RANKS: dict[str, int] = {
    "portfolio.db": 0,
    "portfolio.models": 1, "portfolio.errors": 1, "portfolio.tokens": 1, "portfolio.migrate": 1,
    "portfolio.school_years": 1,
    "portfolio.secret_links": 2, "portfolio.plain_text": 2, "portfolio.audit": 2, "portfolio.mail": 2,
    "portfolio.web": 3, "portfolio.media": 3,
    "portfolio.symbols": 4, "portfolio.backups": 4, "portfolio.jobs": 4,
    "portfolio.people": 5,
    "portfolio.speech": 6,
    "portfolio.experiences": 7,
    "portfolio.passport": 8, "portfolio.plans": 8, "portfolio.employers": 8,
    "portfolio.records": 9,
    "portfolio.careers": 10, "portfolio.imports": 10,
    "portfolio.feedback": 11,
    "portfolio.sharing": 12, "portfolio.reviews": 12, "portfolio.portability": 12, "portfolio.offline": 12,
    "portfolio.cohort": 13,
    "portfolio.reports": 14, "portfolio.stewardship": 14, "portfolio.erasure": 14,
    "portfolio.notices": 14,
    "portfolio.homes": 15,
    "portfolio.templating": 16, "portfolio.demo_desk": 16,
    "portfolio.demo": 17,
    "portfolio.cli": 18,
    "portfolio": 19,
}

# Modules whose job is to stand between Flask and the services; they may read the request and the app.
WEB_GLUE = {
    "portfolio", "portfolio.db", "portfolio.cli", "portfolio.demo", "portfolio.templating",
    "portfolio.media.serving", "portfolio.media.storage", "portfolio.people.sessions", "portfolio.people.rate_limits",
    "portfolio.speech.service", "portfolio.symbols.pictures", "portfolio.people.acting", "portfolio.jobs.queue",
    "portfolio.mail.sender",
}
REQUEST_STATE = {"request", "session", "g", "current_app"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def area_of(module: str) -> str:
    """The package a module belongs to for the map: ``portfolio.experiences.routes`` -> ``portfolio.experiences``."""
    parts = module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def imported_modules(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """Every ``from X import a, b`` and ``import X`` anywhere in the module, inside functions too."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def problems_in(module: str, source: str) -> list[str]:
    """What breaks the map in one module's source."""
    problems = []
    mine = area_of(module)
    is_routes = module.endswith("routes")
    for target, names in imported_modules(ast.parse(source)):
        targets = [f"{target}.{name}" for name in names] if target == "portfolio" else [target]
        for full in targets:
            if not full.startswith("portfolio"):
                continue
            theirs = area_of(full)
            if theirs != mine and RANKS[theirs] >= RANKS[mine]:
                problems.append(f"{module} imports {full}, which is not below it")
            if not is_routes and module not in WEB_GLUE and full.endswith("routes"):
                problems.append(f"{module} is a service but imports the blueprint module {full}")
        if target == "flask" and not is_routes and module not in WEB_GLUE and not mine == "portfolio.web":
            reads = REQUEST_STATE.intersection(names)
            if reads:
                problems.append(f"{module} is a service but imports flask.{', flask.'.join(sorted(reads))}")
    return problems


def test_every_package_has_a_rank() -> None:
    packages = {f"portfolio.{p.name}" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages -= {"portfolio.migrations"}
    assert packages - RANKS.keys() == set()


def test_lower_packages_never_import_higher_ones_and_services_stay_plain() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        problems += problems_in(module_name(path), path.read_text())
    assert problems == []


def test_the_checker_catches_each_kind_of_problem() -> None:
    assert problems_in("portfolio.media.photos", "from portfolio.experiences import service\n") == [
        "portfolio.media.photos imports portfolio.experiences, which is not below it"]
    assert problems_in("portfolio.passport.service", "def f():\n    from portfolio import plans\n") == [
        "portfolio.passport.service imports portfolio.plans, which is not below it"]
    assert problems_in("portfolio.sharing.service", "from flask import current_app, request\n") == [
        "portfolio.sharing.service is a service but imports flask.current_app, flask.request"]
    assert problems_in("portfolio.sharing.service", "from portfolio.speech.routes import x\n") == [
        "portfolio.sharing.service is a service but imports the blueprint module portfolio.speech.routes"]
    assert problems_in("portfolio.sharing.routes", "from flask import request\nfrom portfolio.experiences import service\n") == []


def test_no_two_modules_share_a_name_unless_they_play_the_same_part() -> None:
    same_part = {"__init__", "routes", "service"}
    seen: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts and path.stem not in same_part:
            seen.setdefault(path.stem, []).append(module_name(path))
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_every_package_says_what_it_is_and_what_it_may_import() -> None:
    silent = []
    for init in PACKAGE.glob("*/__init__.py"):
        if init.parent.name == "migrations":
            continue
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        if "May import" not in doc:
            silent.append(init.parent.name)
    assert silent == []


def test_the_vocabulary_and_the_symbol_library_do_not_import_each_other() -> None:
    vocabulary = (PACKAGE / "symbols" / "vocabulary.py").read_text()
    assert not [t for t, names in imported_modules(ast.parse(vocabulary))
                if t == "portfolio.symbols.library" or (t == "portfolio.symbols" and "library" in names)]
