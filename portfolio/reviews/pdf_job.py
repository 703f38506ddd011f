"""Building a review pack's PDF as a job: fpdf2 with photos and QR codes takes seconds for a long pack,
so the person watches a progress page instead of a request that hangs."""
from __future__ import annotations

from pathlib import Path

import segno
from sqlalchemy.orm import Session

from portfolio.errors import KindError
from portfolio.jobs.service import JobContext, Outcome, keep_file
from portfolio.models import Job, ReviewPack, User
from portfolio.reviews import service as annual_review
from portfolio.reviews.pdf import render_pack

STATIC_SYMBOLS = Path(__file__).resolve().parents[2] / "static" / "symbols"
GONE = "This review pack is no longer here, so there is no PDF to make."


def download_name(learner: User, pack: ReviewPack) -> str:
    return f"my-views-{learner.first_name.lower()}-{pack.date_to.isoformat()}.pdf"


def _qr_codes(links: dict[str, str]) -> dict[int, tuple[str, str]]:
    """media id -> (link, QR PNG) from the links the request worked out (it knows the site's address)."""
    return {int(media_id): (link, segno.make(link, error="m").png_data_uri(scale=3, border=2))
            for media_id, link in links.items()}


def _pack_of(dbs: Session, job: Job) -> tuple[ReviewPack, User]:
    pack = dbs.get(ReviewPack, job.arguments.get("pack_id") or 0)
    owner = dbs.get(User, job.owner_id)
    if pack is None or owner is None or pack.learner_id != job.learner_id:
        raise KindError(GONE)
    return pack, owner


def make_pack_pdf(context: JobContext, job: Job) -> Outcome:
    """The pack as the person who asked may see it (their download is on the audit trail)."""
    dbs = context.dbs
    pack, owner = _pack_of(dbs, job)
    document = annual_review.build_for_download(dbs, pack, owner)
    data = render_pack(document, context.store, dbs, _qr_codes(job.arguments.get("audio") or {}), STATIC_SYMBOLS)
    made, change = keep_file(dbs, context.store, job.school_id, data, "application/pdf", "pdf")
    return Outcome(message="Your PDF is ready.", media=made, download_name=download_name(pack.learner, pack),
                   change=change)
