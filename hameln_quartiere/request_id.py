"""A request id for every request (ASVS 7.1): the proxy's ``X-Request-ID`` when well-formed, else a new one.

It is sent back on the response, added to every log line (``RequestIdFilter``) and shown on the 500 page, so a
person can quote it and the log line of what went wrong is found. Importable before the apps are loaded (the
logging configuration names the filter).
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like: enough for a UUID or a trace id, nothing that could break a log line.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_request_id = contextvars.ContextVar("request_id", default="-")


def current_request_id():
    """The id of the request being answered in this thread or task, ``"-"`` outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request an id; first in the middleware, so that every response and log line has it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if WELL_FORMED_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each log record, for the formatter (``%(request_id)s``)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
