"""Thin Celery task of the packs app (idempotent: a message may arrive twice)."""

from celery import shared_task

from .services import pack_build, pack_claim, pack_fail, pack_release, packs_sweep


@shared_task(bind=True, max_retries=3)
def build_submission_pack(self, *, pack_id: int) -> str:
    """Build one queued submission pack; retries on OSError, then marks it failed."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    pack = pack_claim(pack_id=pack_id, redelivered=redelivered)
    if pack is None:
        return ""
    try:
        return pack_build(pack=pack).status
    except OSError as exc:
        if self.request.retries >= self.max_retries:
            return pack_fail(pack=pack, error=f"{type(exc).__name__}: {exc}").status
        pack_release(pack=pack)
        raise self.retry(exc=exc, countdown=2 ** self.request.retries)


@shared_task
def sweep_submission_packs() -> dict[str, int]:
    """Every minute (Celery beat): send again the builds a broker outage lost, queue again the packs
    whose worker died (see ``packs_sweep``)."""
    resent, requeued, failed = packs_sweep()
    return {"resent": len(resent), "requeued": len(requeued), "failed": len(failed)}
