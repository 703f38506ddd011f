"""The kinds of notice, how often a person may hear of them, and the calm defaults.

Defaults, and why:

- Families hear of each new shared entry at once ("each"): it happens a few times a term at most,
  and it is the moment to talk with their child about it.
- Teachers and TAs get one daily digest for comments from home, employer feedback and entries to
  check: these arrive in bursts during a school day, and one email after school is easier to act on
  than a dozen during lessons. A review coming up is raised once per review, so daily is quiet too.
- The careers leader supports every learner, so comments and entries to check for the whole school
  come weekly; feedback and reviews due, which are theirs to act on, come daily.

Whatever a person chooses for email, the in-app list and count always show every notice.
"""
from __future__ import annotations

from dataclasses import dataclass

from portfolio.models import Role

NEW_SHARED_ENTRY = "new-shared-entry"
FAMILY_COMMENT = "family-comment"
EMPLOYER_FEEDBACK = "employer-feedback"
ENTRY_TO_CHECK = "entry-to-check"
REVIEW_DUE = "review-due"

EACH, DAILY, WEEKLY, NONE = "each", "daily", "weekly", "none"
FREQUENCIES = (EACH, DAILY, WEEKLY, NONE)


@dataclass(frozen=True)
class Kind:
    """What a notice of this kind is called in settings, in a list and in an email."""

    key: str
    setting: str  # the settings question
    symbol: str
    one: str  # "{name} shared a new entry."
    many: str  # "{name}: {count} new shared entries."
    subject: str


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind(NEW_SHARED_ENTRY, "New entries shared with you", "shared",
         "{name} has a new entry to see.", "{name} has {count} new entries to see.",
         "{name} has something new to show you"),
    Kind(FAMILY_COMMENT, "Comments from families", "comment",
         "A family left a comment for {name}.", "Families left {count} comments for {name}.",
         "A new comment from home for {name}"),
    Kind(EMPLOYER_FEEDBACK, "Feedback from employers", "feedback",
         "An employer sent feedback about {name}.", "Employers sent {count} pieces of feedback about {name}.",
         "New employer feedback for {name}"),
    Kind(ENTRY_TO_CHECK, "Entries to check", "check",
         "{name} sent an entry to check.", "{name} sent {count} entries to check.",
         "{name} sent an entry to check"),
    Kind(REVIEW_DUE, "Annual reviews coming up", "calendar",
         "{name} has an annual review coming up.", "{name} has an annual review coming up.",
         "{name} has an annual review coming up"),
)}

FREQUENCY_WORDS: dict[str, tuple[str, str]] = {
    EACH: ("Email me each time", "bell"),
    DAILY: ("One email a day", "today"),
    WEEKLY: ("One email a week", "days"),
    NONE: ("No emails", "bell-off"),
}

STAFF_KINDS = (FAMILY_COMMENT, EMPLOYER_FEEDBACK, ENTRY_TO_CHECK, REVIEW_DUE)

DEFAULTS: dict[Role, dict[str, str]] = {
    Role.PARENT: {NEW_SHARED_ENTRY: EACH},
    Role.STAFF: {FAMILY_COMMENT: DAILY, EMPLOYER_FEEDBACK: DAILY, ENTRY_TO_CHECK: DAILY, REVIEW_DUE: DAILY},
    Role.ADMIN: {FAMILY_COMMENT: WEEKLY, EMPLOYER_FEEDBACK: DAILY, ENTRY_TO_CHECK: WEEKLY, REVIEW_DUE: DAILY},
}


def kinds_for(role: Role) -> list[str]:
    """The kinds of notice a person in this role can get (learners none)."""
    return list(DEFAULTS.get(role, {}))
