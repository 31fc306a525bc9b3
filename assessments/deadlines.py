"""The deadlines of an evaluation period when an administrator left them empty. No Django.

The rule (documented in the README, "Reminders"):

- the TPI review deadline defaults to one week before the proposal deadline (the TPI's results
  must be final before the unit is proposed to the TPN);
- the self-assessment deadline defaults to thirty days before the TPI review deadline (the TPI gets
  a month to review);
- neither falls before the day the period opens.

With the usual dates (proposal 31 May) that gives a self-assessment deadline of 24 April and a TPI
review deadline of 24 May.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TPI_REVIEW_BEFORE_PROPOSAL = dt.timedelta(days=7)
SELF_ASSESSMENT_BEFORE_TPI_REVIEW = dt.timedelta(days=30)


@dataclass(frozen=True)
class PeriodDeadlines:
    self_assessment: dt.date
    tpi_review: dt.date
    proposal: dt.date


def period_deadlines(
    *,
    opens_on: dt.date,
    proposal_deadline: dt.date,
    self_assessment_deadline: dt.date | None = None,
    tpi_review_deadline: dt.date | None = None,
) -> PeriodDeadlines:
    """The three deadlines of a period: the ones set as they are, the empty ones by the rule above."""
    tpi = tpi_review_deadline or max(opens_on, proposal_deadline - TPI_REVIEW_BEFORE_PROPOSAL)
    own = self_assessment_deadline or max(opens_on, tpi - SELF_ASSESSMENT_BEFORE_TPI_REVIEW)
    return PeriodDeadlines(self_assessment=own, tpi_review=tpi, proposal=proposal_deadline)
