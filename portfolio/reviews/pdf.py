"""The annual review pack as a PDF, drawn with the shared easy-read document builder."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from portfolio.media.easy_read import EasyReadDocument, Picture
from portfolio.media.storage import MediaStore
from portfolio.models import MediaFile


def _symbol(folder: Path, name: str | None) -> Picture:
    if not name or name.startswith("school:"):
        return None
    path = folder / f"{name}.svg"
    return path if path.is_file() else None


def _media(dbs: Session, store: MediaStore, media_id: int | None) -> Picture:
    found = dbs.get(MediaFile, media_id) if media_id else None
    if found is None or not found.content_type.startswith("image/") or not store.exists(found.key):
        return None
    return store.read(found.key)


def _qr(audio: dict[int, tuple[str, str]], media_id: int | None) -> Picture:
    if not media_id or media_id not in audio:
        return None
    return base64.b64decode(audio[media_id][1].split(",", 1)[1])


def render_pack(document: dict[str, Any], store: MediaStore, dbs: Session, audio: dict[int, tuple[str, str]],
                symbols: Path) -> bytes:
    """Draw the same sections, in the same order, as the printable page."""
    learner = document["learner"]
    pdf = EasyReadDocument(f"My views: {learner['name']}", page_size="A4", author=learner["name"])
    pdf.title_page(f"My views: {learner['name']}", picture=_symbol(symbols, learner["picture"]),
                   subtitle=f"For my annual review. {document['period']}"
                   + (f". Final on {document['finalised']}." if document.get("finalised") else ". Draft."))
    pdf.heading("What I have done", picture=_symbol(symbols, "portfolio"))
    for item in document["done"]:
        if item.get("left_out"):
            continue
        notes = [item["when"]] if item["when"] else []
        if item["feeling"]:
            notes.append(item["feeling"]["label"])
        if item["did"]:
            notes.append("I did: " + ", ".join(d["label"] for d in item["did"]))
        if item["caption"]:
            notes.append(f"My words: {item['caption']}")
        if item["voice"] and item["voice"] in audio:
            notes.append("Scan the code to hear me.")
        picture = _media(dbs, store, item["photo"]["media"] if item["photo"] else None)
        pdf.statement(item["headline"], picture=picture or _symbol(symbols, item["kind_symbol"]), notes=notes)
        qr = _qr(audio, item["voice"])
        if qr:
            pdf.statement("Hear me talk about it", picture=qr)
    sections = (
        ("What I liked", "feeling-liked", [s["text"] for s in document["liked"]]),
        ("What I did not like", "feeling-disliked", [s["text"] for s in document["disliked"]]),
        ("What is working", "thumbs-up", document["working"]),
        ("What is not working", "warning", document["not_working"]),
        ("What is important to me now and in the future", "heart", [s["text"] for s in document["important"]]),
    )
    for title, symbol, lines in sections:
        pdf.heading(title, picture=_symbol(symbols, symbol))
        for line in lines or ["Nothing yet."]:
            pdf.statement(line)
    pdf.heading("My aspirations", picture=_symbol(symbols, "star"))
    pdf.statement(document["aspirations"] or "Not written yet.")
    pdf.heading("Preparing for adulthood", picture=_symbol(symbols, "next"))
    for area in document["pfa"]:
        pdf.statement(area["label"], picture=_symbol(symbols, area["symbol"]), notes=[area["text"] or "Not written yet."])
    for step in document["next_steps"]:
        pdf.statement(f"{step['who']}: {step['what']}", notes=[n for n in (step["when"], step["status"]) if n])
    pdf.heading("Questions I want to ask", picture=_symbol(symbols, "help"))
    for line in document["questions"] or ["No questions yet."]:
        pdf.statement(line)
    return pdf.output()
