"""Where an item lives on the worksheet: the links services put in notifications and pages show."""

from __future__ import annotations

from django.urls import reverse


def item_dom_id(code: str) -> str:
    """The item's element id on the worksheet is ``item-`` + this (dots are not valid in ``#...``)."""
    return code.replace(".", "-")


def area_of(code: str) -> str:
    """The worksheet tab an item is on: ``P.1``..``R.6`` for the Pengungkit areas, ``B`` for Hasil."""
    parts = code.split(".")
    return ".".join(parts[:2]) if parts[0] in ("P", "R") else "B"


def item_url(assessment_pk: int, code: str) -> str:
    """The worksheet tab of the item, scrolled to the item."""
    sheet = reverse("assessments:assessment_worksheet", args=[assessment_pk])
    return f"{sheet}?area={area_of(code)}#item-{item_dom_id(code)}"
