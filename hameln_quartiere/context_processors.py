"""What every page needs to know about the person looking at it."""

from django.utils.functional import SimpleLazyObject


def inbox(request):
    """The number of unread notifications for the header, counted only when a page shows it. Not even the login
    is looked at before that: the public pages never read the session (they are cached for everyone)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return user.notifications.filter(read_at__isnull=True).count()
