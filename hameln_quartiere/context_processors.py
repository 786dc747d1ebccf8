"""What every page needs to know about the person looking at it."""

from django.utils.functional import SimpleLazyObject


def inbox(request):
    """The number of unread notifications for the header, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: user.notifications.filter(read_at__isnull=True).count())}
