"""The error pages (400, 403, 404, 500 and a refused form): plain, in the reader's language, no details.

They are rendered without context processors, so they read neither the database nor the session: the 500 page
shows even when the database is down, and an error on a public page stays the same for everyone. Each names
the request id (``hameln_quartiere.request_id``), which finds the log line of what went wrong.
"""

import logging

from django.http import HttpResponse
from django.template import loader

from hameln_quartiere.request_id import current_request_id

logger = logging.getLogger(__name__)


def render_error(template_name, status):
    try:
        content = loader.get_template(template_name).render({"request_id": current_request_id()})
    except Exception:  # the page of last resort must not fail itself (a missing static manifest, say)
        logger.exception("The error page %s could not be rendered.", template_name)
        content = f"Error {status}. Request ID: {current_request_id()}"
        return HttpResponse(content, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(content, status=status)


def bad_request(request, exception=None):
    return render_error("400.html", 400)


def permission_denied(request, exception=None):
    return render_error("403.html", 403)


def page_not_found(request, exception=None):
    return render_error("404.html", 404)


def server_error(request):
    return render_error("500.html", 500)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token, usually from a page left open too long: a 403 that says to load
    the page again, instead of Django's technical page."""
    return render_error("403_csrf.html", 403)
