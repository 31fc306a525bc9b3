from .models import Notification


def notifications(request):
    """Unread notification count for the navigation bar (one cheap query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
