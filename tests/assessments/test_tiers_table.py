"""The review tiers as a plain table (no database): who writes in which tier, what a tier may still
change, and the final TPI answer rule."""

import pytest

from assessments.lke import tiers
from assessments.lke.workflow import ADMIN, LEADERSHIP, TPI_LEAD, TPI_MEMBER, UNIT_LEADER, UNIT_TEAM


@pytest.mark.parametrize(("mode", "roles", "tier"), [
    (tiers.ONE, {TPI_MEMBER}, tiers.FINAL),
    (tiers.ONE, {TPI_LEAD}, tiers.FINAL),
    (tiers.TWO, {TPI_MEMBER}, tiers.MEMBER),
    (tiers.TWO, {TPI_LEAD}, tiers.LEAD),
    (tiers.TWO, {TPI_MEMBER, TPI_LEAD}, tiers.LEAD),
    (tiers.TWO, {UNIT_TEAM}, None),
    (tiers.TWO, {UNIT_LEADER, LEADERSHIP, ADMIN}, None),
    (tiers.ONE, set(), None),
])
def test_tier_of_roles(mode, roles, tier):
    assert tiers.tier_of(mode, roles) == tier


def test_a_member_changes_its_proposal_until_the_lead_decides():
    tiers.check_write(tiers.MEMBER, lead_decided=False)
    with pytest.raises(tiers.TierError) as exc:
        tiers.check_write(tiers.MEMBER, lead_decided=True)
    assert exc.value.message == (
        "Ketua TPI sudah memutuskan butir ini; usulan anggota TPI tidak dapat diubah lagi.")


@pytest.mark.parametrize("decided", [False, True])
def test_the_lead_and_the_one_tier_always_write(decided):
    tiers.check_write(tiers.LEAD, lead_decided=decided)
    tiers.check_write(tiers.FINAL, lead_decided=decided)


def test_nobody_without_a_tier_writes():
    with pytest.raises(tiers.TierError) as exc:
        tiers.check_write(None, lead_decided=False)
    assert exc.value.message == "Hanya TPI yang ditugaskan yang dapat mengisi nilai TPI."


def test_only_the_lead_agrees_and_only_with_a_proposal():
    tiers.check_agree(tiers.LEAD, "Ya")
    for tier in (tiers.MEMBER, tiers.FINAL, None):
        with pytest.raises(tiers.TierError) as exc:
            tiers.check_agree(tier, "Ya")
        assert exc.value.message == "Hanya ketua TPI yang dapat menyetujui usulan anggota TPI."
    with pytest.raises(tiers.TierError) as exc:
        tiers.check_agree(tiers.LEAD, None)
    assert exc.value.message == "Belum ada usulan anggota TPI untuk butir ini."


@pytest.mark.parametrize(("member", "lead", "final"), [
    (None, None, None),
    ("Ya", None, "Ya"),
    ("Ya", "Tidak", "Tidak"),
    (None, "B", "B"),
    ({"a": 1}, {"a": 2}, {"a": 2}),
])
def test_the_final_answer_is_the_leads_where_present(member, lead, final):
    assert tiers.final_answer(member, lead) == final


@pytest.mark.parametrize(("member", "member_note", "lead", "lead_note", "note"), [
    ("Ya", "usulan", None, "", "usulan"),  # not decided: the proposal's note
    ("Ya", "usulan", "Ya", "", "usulan"),  # agreed without a note: the proposal's reason stands
    ("Ya", "usulan", "Ya", "setuju", "setuju"),
    ("Ya", "usulan", "Tidak", "", ""),  # changed without a note: the member's reason does not fit
    ("Ya", "usulan", "Tidak", "SK belum ada", "SK belum ada"),
])
def test_the_final_note_follows_the_final_answer(member, member_note, lead, lead_note, note):
    assert tiers.final_note(member, member_note, lead, lead_note) == note
