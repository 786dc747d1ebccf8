"""The app's URLs plus the ceiling: the fastest page Django can serve with these settings and one query."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from hameln_quartiere.urls import urlpatterns as app_urlpatterns
from quartiere.models import Quartier


@require_safe
def ceiling(request):
    """One query and a tiny response through the same middleware: what no real page can beat. Public, like the
    directory; it exists only under the bench settings."""
    return HttpResponse(f"{Quartier.objects.count()} quarters\n", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *app_urlpatterns]
