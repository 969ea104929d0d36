"""What every part of `make bench` shares: where the builds are, the targets and the figures
they replaced, the record of results and misses (`check`, `note`), starting a server, and the
load generator (oha) with its readings.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request

import crash_test as web

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "target", "site", "pkg")
BIN = os.path.join(ROOT, "target", "release", "coach")
# The deployment build (`make dist`: link-time optimised, one codegen unit), measured beside
# the release build for memory (issue 19).
DIST_BIN = os.path.join(ROOT, "target", "dist", "coach")

# Targets. The wasm budget is for brotli, as served to browsers that accept it.
TARGETS = {
    "wasm_brotli_kb": 120,
    "css_gzip_kb": 8,
    "first_start_ms": 1000,
    "warm_start_ms": 500,
    "demo_history_ms": 2000,
    "page_p95_ms": 10,
    "scorecards_errors": 0,
    # Signed-in pages on the 1,000,000-score dataset, at 70% of each page's own peak rate.
    "history_p99_ms_at_70pct": 10,
    "practice_p99_ms_at_70pct": 10,
    "console_p99_ms_at_70pct": 10,
    "team_dashboard_p99_ms_at_70pct": 10,
    "signed_in_errors": 0,
    "pg_signed_in_errors": 0,
    # Lighthouse, mobile, default (simulated) throttling.
    "lcp_ms_home": 1000,
    "lcp_ms_library": 1000,
    "lcp_ms_scenario": 1000,
    "js_wasm_kb_home": 0,
    "js_wasm_kb_library": 0,
    "js_wasm_kb_scenario": 0,
    # The Nu Html Checker on the pages' HTML: errors the app can fix.
    "html_errors": 0,
    "history_query_p50_ms": 3,
    # PostgreSQL: no errors under the same loads, and at least a third of nginx's ceiling for a
    # public page (served from the page cache, so the database matters little). Its latencies
    # are reported beside SQLite's, not held to SQLite's targets: every query is a round trip
    # to another process on the same two cores.
    "pg_scorecards_errors": 0,
    "dashboard_query_p50_ms": 20,
    # Memory on a small VM (issue 19): the peak under the same bursts, and what is still
    # resident a minute after they end, for the build a self-hoster deploys (`make dist`).
    "dist_rss_peak_under_load_mb": 150,
    "dist_rss_60s_after_load_mb": 40,
    "bursts_errors": 0,
    "parity_errors": 0,
    # ... and its p99 at the same paced rate is no more than 5 % above the release build's.
    "dist_vs_release_public_p99": 1.05,
    "dist_vs_release_history_p99": 1.05,
    "pg_rss_peak_under_load_mb": 150,
    "pg_rss_60s_after_load_mb": 40,
}
# Targets that are floors, not ceilings.
FLOORS = {
    "public_vs_nginx_ratio": 0.7,
    "pg_public_vs_nginx_ratio": 0.33,
    "performance_home": 98,
    "performance_library": 98,
    "performance_scenario": 98,
    "performance_answer": 98,
    "performance_console": 98,
    # The deployment build serves as much as the release build, same bursts, same run.
    "dist_vs_release_public_rps": 0.95,
    "dist_vs_release_history_rps": 0.95,
}
# What each figure replaced, printed beside it: issue 17's figures where it gave one (measured
# before that work), otherwise the previous whole run in docs/PERFORMANCE.md (2026-12-02).
BEFORE = {
    "wasm_brotli_kb": 136,
    "history_p99_ms_at_70pct": 15.9,
    "practice_p99_ms_at_70pct": 9.6,
    "console_p99_ms_at_70pct": 19.4,
    "team_dashboard_p99_ms_at_70pct": 63.8,
    "public_vs_nginx_ratio": 0.64,
    "lcp_ms_home": 1800,
    "lcp_ms_library": 902,
    "lcp_ms_scenario": 2000,
    "js_wasm_kb_home": 136,
    "js_wasm_kb_scenario": 136,
    "html_errors": "dozens per page",
    "dist_rss_60s_after_load_mb": 43.7,
    "dist_rss_peak_under_load_mb": 66,
}

# For the targets this machine has missed in some runs: the measured reason and what was tried,
# printed under a miss (the whole account, with figures: docs/PERFORMANCE.md, "The targets
# missed").
P99_REASON = (
    "p50 is 3 to 4 ms; the tail moves between runs of the same code by more than the miss "
    "(earlier the same day: history 6.6, practice 9.1, console 8.7 ms at similar peaks; the "
    "team dashboard 9.6 then 35 ms a minute apart), on two cores shared with the load "
    "generator. A margin needs less CPU per page. Tried: reads side by side, packed rows, "
    "brotli quality 1, linear alpha, integer number formatting, the team dashboard kept per "
    "change, thinned chart dots (team dashboard 63.8 to 10.4 ms, console 19.4 to 10.9).")
REASONS = {
    "wasm_brotli_kb": (
        "serde_json's deserialisers (about 14 % of the code), Leptos's reactive graph and "
        "renderer, core's float formatting and the allocator; the islands' own code is about "
        "24 KB. Tried: wasm-opt -Oz, -Os, --converge, --gufa (within 0.7 KB), fewer web-sys "
        "features, an island made a link. Not tried: one wasm per island family. Pages without "
        "islands load no wasm at all."),
    "history_p99_ms_at_70pct": P99_REASON,
    "practice_p99_ms_at_70pct": P99_REASON,
    "console_p99_ms_at_70pct": P99_REASON,
    "team_dashboard_p99_ms_at_70pct": P99_REASON,
    "public_vs_nginx_ratio": (
        "the page is answered from the page cache ahead of the rest of the stack; nginx's own "
        "figure moves from 65,000 to 77,400 req/s between runs on this VM, the app's from "
        "45,900 to 49,800 (0.64 to 0.71)."),
}

failures = []
results = {}


def check(name, value, unit):
    results[name] = value
    if name in FLOORS:
        target = FLOORS[name]
        ok = value >= target
        relation = ">="
    else:
        target = TARGETS[name]
        ok = value <= target
        relation = "<="
    if not ok:
        failures.append(name)
    before = f"  (was {BEFORE[name]})" if name in BEFORE else ""
    print(f"  {name:<30} {value:>10.2f} {unit:<4} target {relation} {target:<7} {'ok' if ok else 'MISSED'}{before}")
    if not ok and name in REASONS:
        print(textwrap.fill(f"why: {REASONS[name]}", width=96, initial_indent="    ",
                            subsequent_indent="      "))


def note(name, value, unit):
    results[name] = value
    print(f"  {name:<30} {value:>10.2f} {unit}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db_dir, port, demo=None, database=None, binary=None):
    """Start the server (the release build unless `binary` says otherwise); demo is None,
    "--demo-accounts" or "--demo" (the lived-in history)."""
    env = dict(
        os.environ,
        COACH_ADDR=f"127.0.0.1:{port}",
        COACH_DATABASE_URL=database or f"sqlite://{db_dir}/coach.db",
        COACH_CONTENT_DIR=os.path.join(ROOT, "content"),
        COACH_LOG="warn",
        LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
    )
    began = time.perf_counter()
    binary = binary or BIN
    proc = subprocess.Popen([binary, "serve", demo] if demo else [binary], env=env, cwd=ROOT)
    deadline = began + 30
    while time.perf_counter() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return proc, (time.perf_counter() - began) * 1000
        except OSError:
            time.sleep(0.01)
    proc.kill()
    sys.exit("server did not start within 30 s")


def latency(port, path, n=200):
    url = f"http://127.0.0.1:{port}{path}"
    for _ in range(10):
        urllib.request.urlopen(url).read()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        urllib.request.urlopen(url).read()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(n * 0.95) - 1]


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def oha(url, seconds, cookie=None, rate=None, connections=16):
    """One oha run; its JSON summary."""
    cmd = ["oha", "-z", f"{seconds}s", "-c", str(connections), "--no-tui", "--output-format", "json"]
    if rate:
        cmd += ["-q", str(rate)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def errors_of(summary):
    """Failed requests: non-2xx answers and connection errors. oha reports the requests still in
    flight when its time is up as "aborted due to deadline": those are not the server's."""
    codes = summary.get("statusCodeDistribution", {})
    bad = sum(n for code, n in codes.items() if not str(code).startswith("2"))
    errors = summary.get("errorDistribution", {})
    return bad + sum(n for what, n in errors.items() if "deadline" not in what)

def buckets(port, name):
    """Cumulative bucket counts of a Prometheus histogram of the server: {le: count}."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith(name + "_bucket{"):
            le = re.search(r'le="([^"]+)"', line).group(1)
            out[float("inf") if le == "+Inf" else float(le)] = float(line.rsplit(" ", 1)[1])
    return out


def quantile(before, after, q):
    """The q-quantile, in ms, of what a histogram recorded between two snapshots (interpolated
    within a bucket, as Prometheus's histogram_quantile does)."""
    rows = sorted((le, after[le] - before.get(le, 0.0)) for le in after)
    total = rows[-1][1] if rows else 0
    if total <= 0:
        return None
    target, prev_le, prev_c = q * total, 0.0, 0.0
    for le, c in rows:
        if c >= target:
            if le == float("inf"):
                return prev_le * 1000
            share = (target - prev_c) / (c - prev_c) if c > prev_c else 0
            return (prev_le + (le - prev_le) * share) * 1000
        prev_le, prev_c = le, c
    return prev_le * 1000


def concurrent_scorecards(port, cookie, clients=50):
    """`clients` self-scorecards submitted at the same instant, each on its own connection."""
    starts, save = web.discover(port, cookie)
    attempts = []
    for i in range(clients):
        slug = web.SCENARIOS[i % len(web.SCENARIOS)]
        attempt = web.start(port, cookie, *starts[slug], slug)
        web.request(port, "POST", save, {"attempt_id": attempt, "answer": f"Answer {i}: roll back first.",
                                          "intent": "submit"}, cookie=cookie)
        attempts.append(attempt)
    forms = []
    for attempt in attempts:
        _, _, (page, _) = web.request(port, "GET", f"/practice/{attempt}", cookie=cookie)
        path = web.action(page, "submit_self_score")
        fields = {"attempt_id": attempt}
        for name in sorted(set(re.findall(r'name="(scores\[[^\]]+\])"', page))):
            fields[name] = "3"
        for name in sorted(set(re.findall(r'name="(marks\[[^\]]+\])"', page))):
            fields[name] = "covered"
        forms.append((path, fields))
    metrics_before = {name: buckets(port, name) for name in ("coach_db_commit_seconds", "coach_db_write_lock_wait_seconds")}
    barrier = threading.Barrier(clients)
    outcomes = [None] * clients

    def submit(i):
        path, fields = forms[i]
        barrier.wait()
        began = time.perf_counter()
        try:
            status, _, _ = web.request(port, "POST", path, fields, cookie=cookie)
        except OSError as e:
            status = str(e)
        outcomes[i] = (status, (time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies = sorted(ms for _, ms in outcomes)
    errors = sum(1 for status, _ in outcomes if status not in (302, 303))
    db = {name: quantile(before, buckets(port, name), 0.99) for name, before in metrics_before.items()}
    return errors, latencies, db
