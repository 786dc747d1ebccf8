"""Profile the benchmark's pages in-process: time, number of queries and the slowest queries of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hq_bench .venv/bin/python bench/profile_pages.py [key …]

Reads the pages from ``bench/run.py``; with ``--cprofile`` it prints the top functions of each page too.
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-profile")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["REDIS_URL"] = ""
os.environ.setdefault("STATIC_ROOT", str(Path(__file__).resolve().parent / "staticfiles"))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.run import PAGES  # noqa: E402
from hameln_quartiere.models import User  # noqa: E402


def main(args):
    use_cprofile = "--cprofile" in args
    keys = [arg for arg in args if not arg.startswith("--")]
    clients = {}
    for page in PAGES:
        if keys and page.key not in keys:
            continue
        if page.user not in clients:
            clients[page.user] = Client()
            if page.user:
                clients[page.user].force_login(User.objects.get(username=page.user))
        client = clients[page.user]
        client.get(page.path)  # warm up: templates, cached public pages
        # The fastest of five: on a shared machine the others measure the neighbours too.
        times = []
        for _run in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(page.path)
                times.append(time.perf_counter() - started)
        seconds = min(times)
        if use_cprofile:
            profile = cProfile.Profile()
            profile.enable()
            client.get(page.path)
            profile.disable()
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        print(
            f"{page.key:<22} {response.status_code} {seconds * 1000:8.1f} ms {len(queries):4d} queries "
            f"{len(response.content) // 1024:5d} kB"
        )
        for query in slowest:
            print(f"      {float(query['time']) * 1000:7.1f} ms  {query['sql'][:220]}")
        if use_cprofile:
            stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime"))
            stats.print_stats(int(os.environ.get("TOP", 25)))


if __name__ == "__main__":
    main(sys.argv[1:])
