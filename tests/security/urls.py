"""The app's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from hameln_quartiere.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("Kaputt: a secret detail that must not reach the page")


def bad(request):
    raise BadRequest("a detail of the bad request")


def forbidden(request):
    raise PermissionDenied("a detail of the refusal")


urlpatterns = [
    path("test/kaputt/", broken),
    path("test/unverstaendlich/", bad),
    path("test/verboten/", forbidden),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
