"""The audit trail: who changed what in a learner's data, and who read what the school would want to know.

``install()`` (called once by ``create_app``) records every change to a learner's rows at each flush;
``log.record`` writes the events that are not changes (exports, imports, reads, erasures).

May import: db, models.
"""
from portfolio.audit.listener import act_as, install

__all__ = ["act_as", "install"]
