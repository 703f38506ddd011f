"""A school's own symbol pictures, added to or replacing words in the vocabulary.

Many schools hold Widgit or PCS licences and their learners know those pictures. An
uploaded picture is checked and re-encoded exactly like a photo, so nothing raw is kept,
and it is served only to people of the same school.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.media.changes import MediaChange, delete_quietly
from portfolio.media.photos import ingest_photo
from portfolio.media.storage import MediaStore
from portfolio.models import MediaFile, SchoolSymbol, User
from portfolio.symbols import finder, library, openmoji, vocabulary
from portfolio.symbols.finder import SymbolChoice

MAX_SYMBOL_BYTES = 5 * 1024 * 1024
REFERENCE_PREFIX = "school:"


class SymbolError(KindError):
    """A refusal with a kind sentence to show."""


def in_school(dbs: Session, school_id: int) -> list[SchoolSymbol]:
    return list(dbs.scalars(select(SchoolSymbol).where(SchoolSymbol.school_id == school_id)
                            .order_by(SchoolSymbol.word)))


def own_symbol_map(dbs: Session, school_id: int) -> dict[str, str]:
    """word -> reference, the shape ``vocabulary.symbolise`` takes for a school's own pictures."""
    rows = dbs.execute(select(SchoolSymbol.word, SchoolSymbol.id).where(SchoolSymbol.school_id == school_id))
    return {word: f"{REFERENCE_PREFIX}{symbol_id}" for word, symbol_id in rows}


def find_symbols(dbs: Session, school_id: int, query: str, limit: int = 24) -> list[SymbolChoice]:
    """Staff search: this school's own symbols first, then the vocabulary, then all of OpenMoji."""
    if not query.strip():
        return []
    return finder.search_all(query, own_symbol_map(dbs, school_id), limit=limit)


def is_known(dbs: Session, school_id: int, reference: str) -> bool:
    """A reference staff may store: a vocabulary or library name, a named OpenMoji drawing, or one of
    this school's own symbols (never another school's)."""
    if vocabulary.word(reference) is not None or reference in library.ALL_SYMBOLS:
        return True
    if openmoji.is_reference(reference):
        return True
    return find_reference(dbs, school_id, reference) is not None


def find_reference(dbs: Session, school_id: int, reference: str) -> SchoolSymbol | None:
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    try:
        symbol = dbs.get(SchoolSymbol, int(reference[len(REFERENCE_PREFIX):]))
    except ValueError:
        return None
    return symbol if symbol is not None and symbol.school_id == school_id else None


def upload(dbs: Session, store: MediaStore, school_id: int, word: str, data: bytes, actor: User) -> tuple[
        SchoolSymbol, MediaChange]:
    """Add or replace the school's picture for ``word``: the symbol, and the files written and replaced."""
    key = vocabulary.normalise_word(word)
    if not key or len(key) > 60 or " " in word.strip():
        raise SymbolError("Please give one word for this symbol, such as ‘kitchen’.")
    stored = ingest_photo(data, store, f"symbols/{school_id}", max_bytes=MAX_SYMBOL_BYTES)
    # The thumbnail is plenty for a symbol; the display size is not kept.
    delete_quietly(store, [stored.display_key])
    change = MediaChange(written=[stored.thumb_key])
    image = MediaFile(school_id=school_id, key=stored.thumb_key, content_type=stored.content_type)
    symbol = dbs.scalars(select(SchoolSymbol).where(SchoolSymbol.school_id == school_id,
                                                    SchoolSymbol.word == key)).first()
    if symbol is None:
        symbol = SchoolSymbol(school_id=school_id, word=key, image=image, created_by_id=actor.id)
        dbs.add(symbol)
    else:
        old = symbol.image
        symbol.image = image
        symbol.created_by_id = actor.id
        dbs.flush()
        dbs.delete(old)
        change.replaced.append(old.key)
    dbs.flush()
    return symbol, change


def remove(dbs: Session, symbol: SchoolSymbol) -> list[str]:
    keys = [symbol.image.key]
    image = symbol.image
    dbs.delete(symbol)
    dbs.flush()
    dbs.delete(image)
    return keys
