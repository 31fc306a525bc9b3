"""Signal receivers of the assessments app."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Answer, Assessment


@receiver(post_save, sender=Answer, dispatch_uid="answer_changed_figures_stamp")
@receiver(post_delete, sender=Answer, dispatch_uid="answer_deleted_figures_stamp")
def answer_changed(sender, instance: Answer, **kwargs) -> None:
    """Any change to an answer, however it is written, invalidates the assessment's cached figures."""
    Assessment.objects.filter(pk=instance.assessment_id).update(figures_stamp=F("figures_stamp") + 1)
