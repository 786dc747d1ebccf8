"""PDFs made from the app's own HTML pages with WeasyPrint, which reads the static files from disk and fetches
nothing else: rendering never goes out to the network.

WeasyPrint is imported when the first PDF is made, not when the server starts: with its fonts and image
libraries it would take about 30 MB of every server process, and most processes never make a PDF.
"""

import functools
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation


def static_file(name):
    """The file on disk of the static file ``name`` (as after STATIC_URL), or ``None``.

    The finders know the sources; the static files storage (STATIC_ROOT) holds what ``collectstatic`` wrote,
    including the hashed names that the manifest storage puts into the page in production.
    """
    name = posixpath.normpath(name)
    if name.startswith(("/", "..")):
        return None
    found = finders.find(name)
    if found and Path(found).is_file():
        return Path(found)
    try:
        collected = Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return collected if collected.is_file() else None


@functools.cache
def static_files_fetcher():
    """The class ``StaticFilesFetcher``, made on first use (it extends WeasyPrint's fetcher)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves WeasyPrint the static files under ``base_url``'s STATIC_URL from disk and refuses every other
        address. Data URIs (inline images in the stylesheets) are no request and are read as usual."""

        def __init__(self, base_url, **kwargs):
            super().__init__(**kwargs)
            self.static = urlsplit(urljoin(base_url, settings.STATIC_URL))

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            # Same scheme and host, and a path under STATIC_URL.
            if parts[:2] != self.static[:2] or not parts.path.startswith(self.static.path):
                raise ValueError(f"Only static files are read when rendering a PDF, not {url}")
            found = static_file(unquote(parts.path.removeprefix(self.static.path)))
            if found is None:
                raise ValueError(f"No such static file: {url}")
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesFetcher


def render_pdf(html, request):
    from weasyprint import HTML

    base_url = request.build_absolute_uri("/")
    return HTML(string=html, base_url=base_url, url_fetcher=static_files_fetcher()(base_url)).write_pdf()
