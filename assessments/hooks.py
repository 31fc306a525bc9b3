"""Extension points for apps that build on assessments (evidence) without reverse imports.

``evidence`` registers, in its AppConfig.ready():
- a snapshot contributor: ``fn(assessment) -> dict`` merged into the Final snapshot;
- a carry-forward contributor: ``fn(*, actor, source, target) -> int`` copying its rows;
- a demo contributor: ``fn(*, assessment, author) -> int`` adding demo files to a draft.
"""

from collections.abc import Callable

snapshot_contributors: list[Callable] = []
carry_forward_contributors: list[Callable] = []
# fn(*, assessment, author) -> int: demo evidence for a draft assessment (used by seed_demo)
demo_evidence_contributors: list[Callable] = []


def register_snapshot(fn: Callable) -> Callable:
    if fn not in snapshot_contributors:
        snapshot_contributors.append(fn)
    return fn


def register_carry_forward(fn: Callable) -> Callable:
    if fn not in carry_forward_contributors:
        carry_forward_contributors.append(fn)
    return fn


def register_demo_evidence(fn: Callable) -> Callable:
    if fn not in demo_evidence_contributors:
        demo_evidence_contributors.append(fn)
    return fn
