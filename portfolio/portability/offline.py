"""What the offline page shows of the plan, the review packs, the careers activities and the counts.

It reads the same data that goes into ``portfolio.json``, so the page and the file never disagree,
and asks the archive for each symbol so only the pictures it uses are copied into the zip.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portfolio.feedback import service as feedback_service
from portfolio.models import ActivityKind, Attendance, OptionKind, PfaArea, StepStatus
from portfolio.plans.service import year_label
from portfolio.symbols import vocabulary

if TYPE_CHECKING:
    from portfolio.portability.export import _Archive

BENCHMARK_SYMBOLS = {"5": "employer", "6": "kind-placement", "7": "provider", "8": "guidance"}


def _day(value: str | None) -> str:
    if not value:
        return ""
    year, month, day = value[:10].split("-")
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
    return f"{int(day)} {months[int(month) - 1]} {year}"


def more_parts(archive: _Archive, data: dict[str, Any], entry_pages: list[dict[str, Any]]) -> dict[str, Any]:
    """The extra sections for ``index.html``, keyed as the template names them."""
    anchors = {item["uid"]: page for item, page in zip(data["experiences"], entry_pages, strict=True)}
    activities = [_activity(archive, item) for item in reversed(data["careers_activities"])]
    # Only the symbols a section on the page uses are asked for, so none is copied into the zip unused.
    used = ["activity"] + (["next", "star"] if data["transition_plan"] else [])
    used += (["check"] if data["review_packs"] else []) + (["feedback"] if any(a["feedback"] for a in activities) else [])
    return {
        "plan": [_plan_year(archive, year, anchors) for year in reversed(data["transition_plan"])],
        "reviews": [_review(archive, pack) for pack in reversed(data["review_packs"])],
        "activities": activities,
        "evidence": _evidence(archive, data["evidence"]),
        "more_icons": {name: archive.symbol(name) for name in used},
    }


def _plan_year(archive: _Archive, year: dict[str, Any], anchors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "anchor": f"plan-year-{year['year_group']}",
        "label": year_label(year["year_group"]),
        "aspirations": year["aspirations"],
        "areas": [{"label": area.label, "symbol": archive.symbol(area.symbol), "text": year[area.value]}
                  for area in PfaArea],
        "options": [
            {"kind": OptionKind(option["kind"]).label, "title": option["title"], "notes": option["notes"],
             "entries": [{"anchor": anchors[uid]["anchor"], "headline": anchors[uid]["headline"]}
                         for uid in option["experiences"] if uid in anchors]}
            for option in year["options"]
        ],
        "steps": [{"who": step["who"], "what": step["what"], "when": _day(step["by_when"]),
                   "status": StepStatus(step["status"]).label} for step in year["next_steps"]],
    }


def _review(archive: _Archive, pack: dict[str, Any]) -> dict[str, Any]:
    document = pack["document"]
    return {
        "anchor": f"review-{pack['uid']}",
        "period": f"{_day(pack['date_from'])} to {_day(pack['date_to'])}",
        "finalised": _day(pack["finalised_at"]),
        "done": [{"headline": item.get("headline", ""), "when": item.get("when", ""),
                  "photo": item["photo"]["path"] if item.get("photo") else None,
                  "voice": item["voice"]["path"] if item.get("voice") else None}
                 for item in document.get("done", [])],
        "lists": [(title, [line.get("text", "") if isinstance(line, dict) else line
                           for line in document.get(key, [])])
                  for title, key in (("What I liked", "liked"), ("What I did not like", "disliked"),
                                     ("What is working", "working"), ("What is not working", "not_working"),
                                     ("Important to me", "important"), ("My questions", "questions"))],
    }


def _activity(archive: _Archive, item: dict[str, Any]) -> dict[str, Any]:
    kind = ActivityKind(item["kind"])
    feedback = item["feedback"]
    when = _day(item["starts_on"]) + (f" to {_day(item['ends_on'])}" if item["ends_on"] else "")
    return {
        "anchor": f"activity-{item['uid']}",
        "title": item["title"] or kind.label,
        "kind": kind.label,
        "symbol": archive.symbol(kind.symbol),
        "when": when,
        "employer": item["employer"]["name"] if item["employer"] else "",
        "attendance": Attendance(item["attendance"]).label,
        "benchmarks": ", ".join(f"Gatsby {b}" for b in item["benchmarks"]),
        "feedback": _feedback(feedback) if feedback else None,
    }


def _feedback(feedback: dict[str, Any]) -> dict[str, Any]:
    skills = []
    for key, value in feedback["skills"].items():
        word = vocabulary.word(key)
        skills.append(f"{word.label if word else key}: {feedback_service.scale_label(value)}")
    return {"author": feedback["author_name"], "went_well": feedback["went_well"], "work_on": feedback["work_on"],
            "offer_again": feedback_service.offer_label(feedback["offer_again"]), "skills": skills,
            "voice": feedback["voice"]["path"] if feedback["voice"] else None}


def _evidence(archive: _Archive, evidence: dict[str, Any]) -> dict[str, Any]:
    return {
        "counted_on": _day(evidence["counted_on"]),
        "benchmarks": [{"symbol": archive.symbol(BENCHMARK_SYMBOLS.get(key, "info")), "title": item["title"],
                        "sentence": item["sentence"], "this_year": item["this_year"]}
                       for key, item in evidence["benchmarks"].items()],
        "days": evidence["workplace_days"]["all"],
        "gaps": evidence["gaps"],
    }
