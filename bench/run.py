"""The load benchmark: Hameln Quartiere at scale 50 on PostgreSQL behind gunicorn, driven by wrk on loopback.

Run it with ``bench/run`` (or ``make bench``). It recreates the database ``BENCH_DB`` (default ``hq_bench``),
migrates it, seeds ``seed_demo --scale 50``, collects the static files, starts gunicorn with production
settings (``bench.settings``: DEBUG off, plain HTTP on loopback), logs in the demo users and then measures
every page twice with wrk, a separate process:

* throughput at saturation: 8 connections as fast as they can, 10 seconds;
* latency at a realistic load: 50 users, each pausing about a second between requests, 60 seconds; meanwhile
  the data changes every 10 seconds (``BENCH_CHANGE_SECONDS``): the cache generations move on as a save
  anywhere in the programme moves them (``hameln_quartiere/cache.py``), so every remembered page and public
  page is computed afresh, as it would be while staff are at work.

The ceiling, a Django view doing one query under the same server and middleware, is measured at the start
and at the end (the mean is used); each page is compared with it and with the Django admin changelist of the
same entities, the peer a city could settle for. The results are printed and written to ``bench/results.md``,
with the resident memory of each gunicorn worker after the run.

Settings (environment variables): BENCH_DB, BENCH_PG_URL (server, without the database name), BENCH_SCALE,
BENCH_PORT, BENCH_WORKERS, BENCH_THREADS, BENCH_SATURATION_SECONDS, BENCH_SATURATION_CONNECTIONS,
BENCH_LOAD_SECONDS, BENCH_LOAD_USERS, BENCH_THINK_MS, BENCH_CHANGE_SECONDS (0: no changes), BENCH_REDIS_URL
(empty: in-memory cache per worker), BENCH_REUSE_DB=1 (keep an already seeded database: for quick runs while
profiling), BENCH_ONLY (comma-separated page keys), BENCH_RESULTS (output file).
"""

import datetime
import html
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
DEMO_PASSWORD = "Hameln-Demo-2019!"  # noqa: S105 - the printed demo password (hameln_quartiere.demo)

# Targets of the issue, checked per page.
P95_TARGET_MS = 200
PUBLIC_CEILING_SHARE = 0.5


def setting(name, default):
    return os.environ.get(name, str(default))


DB = setting("BENCH_DB", "hq_bench")
PG_URL = setting("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SCALE = int(setting("BENCH_SCALE", 50))
PORT = int(setting("BENCH_PORT", 8765))
WORKERS = int(setting("BENCH_WORKERS", 3))
THREADS = int(setting("BENCH_THREADS", 4))
SATURATION_SECONDS = int(setting("BENCH_SATURATION_SECONDS", 10))
SATURATION_CONNECTIONS = int(setting("BENCH_SATURATION_CONNECTIONS", 8))
LOAD_SECONDS = int(setting("BENCH_LOAD_SECONDS", 60))
LOAD_USERS = int(setting("BENCH_LOAD_USERS", 50))
THINK_MS = int(setting("BENCH_THINK_MS", 1000))
CHANGE_SECONDS = float(setting("BENCH_CHANGE_SECONDS", 10))
REDIS_URL = setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
RESULTS = Path(setting("BENCH_RESULTS", Path(__file__).with_name("results.md")))
BASE = f"http://127.0.0.1:{PORT}"

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"{PG_URL}/{DB}",
    "STATIC_ROOT": str(ROOT / "bench" / "staticfiles"),
    "REDIS_URL": REDIS_URL,
    "CACHE_KEY_PREFIX": "hq-bench",  # keeps the bench's keys apart from others in the same Redis
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Page:
    key: str
    name: str
    path: str
    user: str  # "" for anonymous visitors
    group: str  # "ceiling", "public", "portal" or "admin"
    admin: str = ""  # key of the admin changelist it is compared with
    results: dict = field(default_factory=dict)


PAGES = [
    Page("ceiling", "Ceiling: one query", "/bench/ceiling/", "", "ceiling"),
    Page("pub-start", "Public start page", "/de/", "", "public", "adm-treffpunkte"),
    Page(
        "pub-treffpunkt",
        "Meeting point page",
        "/de/treffpunkte/stadtteiltreff-kuckucksnest/",
        "",
        "public",
        "adm-treffpunkte",
    ),
    Page("pub-suche", "Offer search", "/de/angebote/?quartier=kuckuck&wochentag=1", "", "public", "adm-angebote"),
    Page("pub-hsds", "HSDS API services", "/api/hsds/services?per_page=50", "", "public", "adm-angebote"),
    Page("adm-treffpunkte", "Admin meeting points", "/admin/treffpunkte/treffpunkt/", "admin", "admin"),
    Page("adm-angebote", "Admin offers", "/admin/treffpunkte/angebot/", "admin", "admin"),
]
# Each portal page is measured right next to its admin peer: on a shared machine the conditions drift during
# a run, and the comparison should see the same ones. The start page's lists are the entries awaiting review,
# drafts and stale entries, so its peer is the admin's list of submitted entries (the admin index lists none).
PEERS = (
    ("start", "start page", "/portal/", "adm-review"),
    ("review", "review queue", "/portal/pruefen/", "adm-review"),
    ("massnahmen", "measures, filtered", "/portal/massnahmen/?status=laufend&year=2019", "adm-massnahmen"),
    ("teilnahme", "attendance grid", "/portal/teilnahme/?woche=2019-W40", "adm-teilnahme"),
)
ADMIN_PEERS = {
    "adm-review": Page(
        "adm-review",
        "Admin measures submitted",
        "/admin/handlungskonzepte/massnahme/?review_state__exact=submitted",
        "admin",
        "admin",
    ),
    "adm-massnahmen": Page(
        "adm-massnahmen",
        "Admin measures, filtered",
        "/admin/handlungskonzepte/massnahme/?status__exact=laufend",
        "admin",
        "admin",
    ),
    "adm-teilnahme": Page("adm-teilnahme", "Admin attendance", "/admin/treffpunkte/teilnahme/", "admin", "admin"),
}
for _key, _name, _path, _peer in PEERS:
    for _user, _who in (("qm", "QM"), ("gwa-kuckuck", "GWA")):
        PAGES.append(Page(f"{_user}-{_key}", f"{_who} {_name}", _path, _user, "portal", _peer))
    if ADMIN_PEERS[_peer] not in PAGES:
        PAGES.append(ADMIN_PEERS[_peer])


def say(message):
    print(message, flush=True)


def manage(*args, env):
    subprocess.run([BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own commands


def sql(database, *statements):
    """Run statements outside a transaction (CREATE DATABASE and VACUUM need that)."""
    import psycopg2

    connection = psycopg2.connect(f"{PG_URL}/{database}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def recreate_database():
    sql("postgres", f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)', f'CREATE DATABASE "{DB}"')


def prepare(env):
    seed_seconds = None
    if os.environ.get("BENCH_REUSE_DB") == "1":
        say(f"Reusing the database {DB} as it is (BENCH_REUSE_DB=1).")
    else:
        say(f"Recreating the database {DB} …")
        recreate_database()
        manage("migrate", "--noinput", "-v", "0", env=env)
        started = time.monotonic()
        manage("seed_demo", "--scale", str(SCALE), "--force", env=env)
        seed_seconds = time.monotonic() - started
        # As a database that has been in use for a while: statistics and visibility maps up to date.
        sql(DB, "VACUUM ANALYZE")
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    return seed_seconds


def start_server(env):
    log = (Path(tempfile.gettempdir()) / "hq-bench-gunicorn.log").open("w")
    command = [
        BIN / "gunicorn",
        "hameln_quartiere.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        "--timeout",
        "60",
        # Longer than the longest think time: else a worker closes an idle connection just as wrk reuses it,
        # which wrk counts as a read error although the app never saw the request.
        "--keep-alive",
        "5",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log.name}")
        try:
            with urllib.request.urlopen(f"{BASE}/bench/ceiling/", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 seconds")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(username):
    """Log in through the login form, as a browser would; return the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(f"{BASE}/anmelden/") as response:
        page = response.read().decode()
    token = html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
    data = urllib.parse.urlencode({"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{BASE}/anmelden/", data=data.encode(), headers={"Referer": f"{BASE}/anmelden/"})  # noqa: S310 - loopback
    try:
        opener.open(request)
        raise SystemExit(f"logging in {username} did not redirect: wrong password, or locked out?")
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise SystemExit(f"logging in {username} answered {error.code}") from error
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"logging in {username} gave no session")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check(page, cookie):
    """The page must answer 200 itself: a redirect to the login page would look fast and prove nothing."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(BASE + page.path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def wrk(page, cookie, *, connections, seconds, think_ms):
    command = [
        "wrk",
        "--threads",
        str(min(2, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(WRK_SCRIPT),
        BASE + page.path,
    ]
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_THINK_MS": str(think_ms)}
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[name] for name in ("connect", "read", "write", "status", "timeout"))
    return result


def drain(limit=120):
    """Wait until the server has worked off what the last run left queued: wrk stops at once, but requests it
    sent are still waiting for a worker, and the next measurement must not inherit them."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{BASE}/bench/ceiling/", timeout=limit) as response:  # noqa: S310 - loopback
                response.read()
        except OSError:
            time.sleep(1)
            continue
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(0.2)


class DataChanges(threading.Thread):
    """Moves the cache generations on every ``CHANGE_SECONDS`` (the keys of hameln_quartiere/cache.py under the
    bench settings' prefix), as a save anywhere in the programme would: every remembered answer and cached
    public page is out of date and is computed again on its next request."""

    # Django's cache keys are "prefix:version:key"; the generations' keys are "<name>:generation".
    KEYS = [f"{SERVER_ENV['CACHE_KEY_PREFIX']}:1:{name}:generation" for name in ("data", "public")]

    def __init__(self):
        super().__init__(daemon=True)
        self.stopped = threading.Event()
        self.count = 0

    def run(self):
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        while not self.stopped.wait(CHANGE_SECONDS):
            for key in self.KEYS:
                client.incr(key)
            self.count += 1

    def __enter__(self):
        if CHANGE_SECONDS > 0 and REDIS_URL:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()


def measure(page, cookie):
    drain()
    page.results["saturation"] = wrk(
        page, cookie, connections=SATURATION_CONNECTIONS, seconds=SATURATION_SECONDS, think_ms=0
    )
    drain()
    with DataChanges() as changes:
        page.results["load"] = wrk(page, cookie, connections=LOAD_USERS, seconds=LOAD_SECONDS, think_ms=THINK_MS)
    page.results["load"]["data_changes"] = changes.count
    saturation, load = page.results["saturation"], page.results["load"]
    say(
        f"  {page.name:<30} {saturation['rps']:7.1f} req/s   p50 {load['p50_us'] / 1000:6.1f}  p95 "
        f"{load['p95_us'] / 1000:6.1f}  p99 {load['p99_us'] / 1000:6.1f} ms   errors "
        f"{saturation['errors'] + load['errors']}"
    )


def worker_rss(server):
    """Resident memory (MB) of each gunicorn worker: the children of the master process."""
    sizes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent != server.pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes[int(entry.name)] = int(match[1]) / 1024
    return sizes


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {int(memory) // 1024 // 1024} GB RAM, {platform.system()} {platform.release()}"
    )


def commit():
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603, S607 - read-only git

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{head} (with uncommitted changes)" if git("status", "--porcelain") else head


def verdict(page, ceiling_rps, pages):
    """Which targets the page misses (an empty list: all met)."""
    saturation, load = page.results["saturation"], page.results["load"]
    misses = []
    if saturation["errors"] or load["errors"] or page.results.get("status") != 200:
        misses.append("errors")
    if load["p95_us"] / 1000 >= P95_TARGET_MS:
        misses.append(f"p95 ≥ {P95_TARGET_MS} ms")
    if page.group == "public" and saturation["rps"] < PUBLIC_CEILING_SHARE * ceiling_rps:
        misses.append(f"< {PUBLIC_CEILING_SHARE:.0%} of ceiling")
    admin = pages.get(page.admin)
    if page.group == "portal" and admin and admin.results and saturation["rps"] < admin.results["saturation"]["rps"]:
        misses.append("slower than admin")
    return misses


def error_text(*results):
    """The number of failed requests and of what kind, e.g. ``3 (2 timeout, 1 read)``: ``timeout`` is no answer
    within wrk's 10 s, ``status`` an error status, ``connect``/``read``/``write`` a socket error."""
    kinds = ("timeout", "status", "connect", "read", "write")
    total = sum(result["errors"] for result in results)
    details = ", ".join(f"{n} {kind}" for kind in kinds for n in [sum(r[kind] for r in results)] if n)
    return f"{total} ({details})" if details else str(total)


def table(pages_list, ceiling_rps):
    pages = {page.key: page for page in pages_list}
    lines = [
        "| Page | User | req/s (8 conn.) | × ceiling | × admin | p50 ms | p95 ms | p99 ms | req/s at load | errors "
        "| targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in pages_list:
        if not page.results:
            continue
        saturation, load = page.results["saturation"], page.results["load"]
        admin = pages.get(page.admin)
        admin_rps = admin.results["saturation"]["rps"] if admin and admin.results else 0
        versus_admin = f"{saturation['rps'] / admin_rps:.2f}" if admin_rps else "–"
        misses = verdict(page, ceiling_rps, pages)
        lines.append(
            f"| {page.name} (`{page.path}`) | {page.user or 'anonymous'} | {saturation['rps']:.1f} "
            f"| {saturation['rps'] / ceiling_rps:.2f} | {versus_admin} | {load['p50_us'] / 1000:.1f} "
            f"| {load['p95_us'] / 1000:.1f} | {load['p99_us'] / 1000:.1f} | {load['rps']:.1f} "
            f"| {error_text(saturation, load)} | {'ok' if not misses else 'missed: ' + ', '.join(misses)} |"
        )
    return "\n".join(lines)


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk).")
    only = {key for key in os.environ.get("BENCH_ONLY", "").split(",") if key}
    pages = [page for page in PAGES if not only or page.key in only or page.key == "ceiling"]
    env = {**os.environ, **SERVER_ENV}
    started_at = datetime.datetime.now(datetime.UTC)
    seed_seconds = prepare(env)
    server = start_server(env)
    try:
        cookies = {user: login(user) for user in {page.user for page in pages if page.user}}
        cookies[""] = ""
        say(
            f"Measuring {len(pages)} pages: {SATURATION_CONNECTIONS} connections for {SATURATION_SECONDS} s, then "
            f"{LOAD_USERS} users with {THINK_MS} ms think time for {LOAD_SECONDS} s each."
        )
        for page in pages:
            page.results["status"], page.results["bytes"] = check(page, cookies[page.user])
            if page.results["status"] != 200:
                say(f"  {page.name}: answered {page.results['status']} instead of 200")
        # Warm every worker (templates, caches, connections) before anything is measured.
        for page in pages:
            wrk(page, cookies[page.user], connections=WORKERS * 2, seconds=1, think_ms=0)
            drain()
        rss_warm = worker_rss(server)
        for page in pages:
            measure(page, cookies[page.user])
        # The ceiling once more at the end: on a shared machine the conditions drift during the run.
        ceiling = pages[0]
        first_ceiling = ceiling.results["saturation"]["rps"]
        drain()
        final = wrk(ceiling, "", connections=SATURATION_CONNECTIONS, seconds=SATURATION_SECONDS, think_ms=0)
        ceiling_rps = (first_ceiling + final["rps"]) / 2
        say(f"  Ceiling again at the end: {final['rps']:.1f} req/s (mean {ceiling_rps:.1f})")
        rss = worker_rss(server)
    finally:
        stop_server(server)

    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rss_text = ", ".join(f"{size:.0f} MB" for size in sorted(rss.values())) or "unknown"
    rss_warm_text = ", ".join(f"{size:.0f} MB" for size in sorted(rss_warm.values())) or "unknown"
    say(f"\nGunicorn worker RSS after the run: {rss_text} (after warm-up: {rss_warm_text}; target: under 150 MB each)")
    body = table(pages, ceiling_rps)
    say("\n" + body)
    header = [
        "# Benchmark results",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M} UTC; commit {commit()}",
        f"- Machine: {machine()}; load average at the end {load_average}",
        f"- Data: `seed_demo --scale {SCALE}` on PostgreSQL"
        + (f" (seeded in {seed_seconds:.1f} s)" if seed_seconds is not None else " (database reused)"),
        f"- Server: gunicorn, {WORKERS} gthread workers × {THREADS} threads, DEBUG off, "
        f"{'Redis' if REDIS_URL else 'in-memory'} cache; wrk on the same machine over loopback",
        f"- Throughput: {SATURATION_CONNECTIONS} connections, {SATURATION_SECONDS} s. Latency: {LOAD_USERS} users, "
        f"about {THINK_MS} ms think time, {LOAD_SECONDS} s"
        + (
            f", the data changing every {CHANGE_SECONDS:g} s (every remembered and cached page computed afresh)."
            if CHANGE_SECONDS > 0 and REDIS_URL
            else ", no data changes."
        ),
        f"- Ceiling (one query, same server): {ceiling_rps:.1f} req/s (mean of start and end: "
        f"{first_ceiling:.1f} and {final['rps']:.1f})",
        f"- Gunicorn worker RSS after the run: {rss_text} (after warm-up: {rss_warm_text}; target: under 150 MB)",
        "- Targets: no errors; p95 under 200 ms at the realistic load; public pages at least 50 % of the "
        "ceiling's throughput; portal pages at least as fast as their admin changelist.",
        "",
        "Numbers vary from run to run, and more so when other work shares the machine: compare the ratios "
        "within one run rather than absolute numbers across runs.",
        "",
    ]
    RESULTS.write_text("\n".join(header) + "\n" + body + "\n")
    # The raw numbers of wrk, per page, for whoever wants to look closer.
    raw = {page.key: {"path": page.path, "user": page.user, **page.results} for page in pages}
    RESULTS.with_suffix(".json").write_text(json.dumps(raw, indent=2) + "\n")
    say(f"\nWritten to {RESULTS}")
    failed = [page for page in pages if page.key != "ceiling" and verdict(page, ceiling_rps, {p.key: p for p in pages})]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
