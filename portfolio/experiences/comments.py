"""Comments from home: a parent's short typed or spoken words on a shared entry.

Staff see every comment and choose when to pass one on to the learner, because not every
message from home is right to put in front of a young person without a word from staff.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portfolio.errors import KindError
from portfolio.experiences.service import clean_text
from portfolio.media import recordings
from portfolio.media.changes import MediaChange
from portfolio.media.storage import MediaStore
from portfolio.models import Experience, FamilyComment, User, utcnow
from portfolio.web import policy
from portfolio.web.paging import Page, SortKey, keyset_page

MAX_COMMENT = 500


class CommentError(KindError):
    """A refusal with a kind sentence to show."""


def add(dbs: Session, store: MediaStore, experience: Experience, author: User, text: str, voice_data: bytes = b"",
        *, max_seconds: float = 60) -> tuple[FamilyComment, MediaChange]:
    """Keep a comment. A repeat of the same words by the same person (a double tap) is kept once."""
    words = clean_text(text, MAX_COMMENT, what="the comment", refuse=CommentError)
    if not words and not voice_data:
        raise CommentError("Please write a few words or record a message first.")
    if words and not voice_data:
        for earlier in experience.comments:
            if earlier.author_id == author.id and earlier.text == words and earlier.voice_id is None:
                return earlier, MediaChange()
    comment = FamilyComment(school_id=experience.school_id, author_id=author.id, text=words)
    change = MediaChange()
    if voice_data:
        change = recordings.record(dbs, store, comment, voice_data, folder="comments", max_seconds=max_seconds)
    experience.comments.append(comment)
    dbs.flush()
    return comment, change


# Newest first, so a comment just sent is at the top of the first page.
COMMENT_ORDER: tuple[SortKey[FamilyComment], ...] = (
    SortKey(FamilyComment.created_at, True, lambda c: c.created_at),
    SortKey(FamilyComment.id, True, lambda c: c.id),
)


def visible_page(dbs: Session, viewer: User, experience: Experience, after: str | None = None) -> Page[FamilyComment]:
    """One page of the comments this viewer may see on an entry, with authors and voices loaded up front."""
    statement = (
        select(FamilyComment)
        .where(FamilyComment.experience_id == experience.id, policy.visible_comments_condition(viewer))
        .options(selectinload(FamilyComment.author), selectinload(FamilyComment.voice))
    )
    return keyset_page(dbs, statement, COMMENT_ORDER, after)


def find_visible(viewer: User, experience: Experience, comment_id: int) -> FamilyComment | None:
    return next((c for c in policy.visible_comments(viewer, experience) if c.id == comment_id), None)


def pass_on(experience: Experience, comment_id: int, staff: User) -> bool:
    comment = next((c for c in experience.comments if c.id == comment_id), None)
    if comment is None:
        return False
    if comment.passed_on_at is None:
        comment.passed_on_at = utcnow()
        comment.passed_on_by_id = staff.id
    return True
