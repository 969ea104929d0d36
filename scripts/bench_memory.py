"""Issue 19's figures for `make bench`: memory a minute after bursts of load, and the deployment
build's (`make dist`) throughput and latency against the release build's.
"""
import os
import re
import statistics
import subprocess
import tempfile
import time

import crash_test as web
from bench_support import (BIN, DIST_BIN, check, concurrent_scorecards, errors_of, free_port,
                           note, oha, results, rss_kb, start)


def resident_split(pid):
    """Resident MB of the binary's own (file-backed) pages and of anonymous memory."""
    code = anon = 0
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = fields[5] if len(fields) > 5 else ""
            elif fields[0] == "Rss:":
                kb = int(fields[1])
                if name.endswith("/coach"):
                    code += kb
                elif not name or name.startswith("["):
                    anon += kb
    return code / 1024, anon / 1024


def bursts(binary):
    """Issue 19's bursts on one build: 50 simultaneous scorecards, 10 s of a public page, 5 s
    of a search, 10 s of the signed-in history (oha, 16 connections), then a minute idle."""
    with tempfile.TemporaryDirectory() as db_dir:
        port = free_port()
        proc, _ = start(db_dir, port, demo="--demo-accounts", binary=binary)
        try:
            time.sleep(0.5)
            figures = {"idle": rss_kb(proc.pid) / 1024}
            cookie = web.sign_in(port)
            errors, _, _ = concurrent_scorecards(port, cookie)
            base = f"http://127.0.0.1:{port}"
            public = oha(f"{base}/scenarios/gpu-pods-pending", 10)
            errors += errors_of(oha(f"{base}/scenarios?q=rollback+latency", 5))
            history = oha(f"{base}/history", 10, cookie=cookie)
            figures["peak"] = rss_kb(proc.pid, "VmHWM") / 1024
            time.sleep(60)
            figures["after"] = rss_kb(proc.pid) / 1024
            figures["code"], figures["anon"] = resident_split(proc.pid)
            for name, run in (("public", public), ("history", history)):
                figures[f"{name}_rps"] = run["summary"]["requestsPerSec"]
                figures[f"{name}_p99_ms"] = run["latencyPercentiles"]["p99"] * 1000
                errors += errors_of(run)
            figures["errors"] = errors
            return figures
        finally:
            proc.terminate()
            proc.wait(10)


def memory():
    """The release build (`make run`) and the deployment build (`make dist`) under the same
    bursts, one after the other: memory, and what the link-time optimisation costs in speed."""
    print("Memory after bursts, release build (make run) and deployment build (make dist), in the")
    print("order release, dist, dist, release (a run measures slower after another: each build's")
    print("figures are the mean of its two runs):")
    runs = {"release": [], "dist": []}
    for build in ("release", "dist", "dist", "release"):
        runs[build].append(bursts(BIN if build == "release" else DIST_BIN))
    builds = {build: {key: statistics.mean(r[key] for r in pair) for key in pair[0]}
              for build, pair in runs.items()}
    for build, f in builds.items():
        print(f"  {build:<8} idle {f['idle']:5.1f} MB, peak {f['peak']:5.1f} MB, 60 s after "
              f"{f['after']:5.1f} MB (code {f['code']:4.1f}, anonymous {f['anon']:4.1f}); "
              f"public {f['public_rps']:7.0f} req/s p99 {f['public_p99_ms']:5.1f} ms; "
              f"history {f['history_rps']:5.0f} req/s p99 {f['history_p99_ms']:5.1f} ms")
        for key, value in f.items():
            results[f"{build}_bursts_{key}"] = value
    release, dist = builds["release"], builds["dist"]
    check("dist_rss_peak_under_load_mb", dist["peak"], "MB")
    check("dist_rss_60s_after_load_mb", dist["after"], "MB")
    note("release_rss_60s_after_load_mb", release["after"], "MB")
    check("bursts_errors", sum(r["errors"] for pair in runs.values() for r in pair), "")
    note("bursts_dist_vs_release_public_rps", dist["public_rps"] / release["public_rps"], "")
    note("bursts_dist_vs_release_history_rps", dist["history_rps"] / release["history_rps"], "")
    parity()


def parity(rounds=8):
    """The deployment build's throughput and latency against the release build's, measured so
    that a 5 % difference can show. One 10 s run per build (as in the bursts) cannot: the
    signed-in history at saturation moves by more than that between runs of the same build.

    Both servers run side by side, each on its own copy of the same accounts and scorecards,
    and the load goes to one at a time in the order ABBA ABBA ... (neither build always goes
    first or second). Requests/s: 4 s of the public page, then 4 s of the history, per turn, at
    16 connections (saturation). p99: the same turns paced at one rate for both builds, 70 % of
    the slower build's peak, since at saturation a closed loop's tail is the queue it builds.
    Each figure is the median of a build's turns."""
    print(f"Deployment build against release build, {rounds} alternating turns each:")
    servers = {}
    errors = 0
    pages = ("public", "history")
    with tempfile.TemporaryDirectory() as db_dir:
        try:
            for build, binary in (("release", BIN), ("dist", DIST_BIN)):
                os.makedirs(os.path.join(db_dir, build))
                port = free_port()
                proc, _ = start(os.path.join(db_dir, build), port, demo="--demo-accounts", binary=binary)
                servers[build] = (proc, None)  # stopped below even if what follows fails
                cookie = web.sign_in(port)
                # The same 50 scorecards the bursts submit, so the history page lists them.
                errors += concurrent_scorecards(port, cookie)[0]
                base = f"http://127.0.0.1:{port}"
                servers[build] = (proc, {"public": (f"{base}/scenarios/gpu-pods-pending", None),
                                         "history": (f"{base}/history", cookie)})
            for _, urls in servers.values():  # warm both the same way
                for url, cookie in urls.values():
                    oha(url, 2, cookie=cookie)
            order = ["release", "dist", "dist", "release"]

            def turns(figure, rates=None):
                nonlocal errors
                out = {build: {page: [] for page in pages} for build in servers}
                for turn in range(rounds * 2):
                    build = order[turn % 4]
                    for page in pages:
                        url, cookie = servers[build][1][page]
                        run = oha(url, 4, cookie=cookie, rate=rates and rates[page])
                        out[build][page].append(figure(run))
                        errors += errors_of(run)
                return {build: {page: statistics.median(v) for page, v in f.items()}
                        for build, f in out.items()}, out

            rps, rps_turns = turns(lambda run: run["summary"]["requestsPerSec"])
            rates = {page: max(1, int(0.7 * min(rps[b][page] for b in servers))) for page in pages}
            p99, _ = turns(lambda run: run["latencyPercentiles"]["p99"] * 1000, rates)
        finally:
            for proc, _ in servers.values():
                proc.terminate()
            for proc, _ in servers.values():
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    for build in servers:
        line = "; ".join(
            f"{page} {rps[build][page]:6.0f} req/s (turns {min(rps_turns[build][page]):.0f} to "
            f"{max(rps_turns[build][page]):.0f}), p99 {p99[build][page]:5.2f} ms at {rates[page]} req/s"
            for page in pages)
        print(f"  {build:<8} {line}")
        for page in pages:
            results[f"{build}_parity_{page}_rps"] = rps[build][page]
            results[f"{build}_parity_{page}_p99_ms"] = p99[build][page]
    check("parity_errors", errors, "")
    for page in pages:
        check(f"dist_vs_release_{page}_rps", rps["dist"][page] / rps["release"][page], "")
        check(f"dist_vs_release_{page}_p99", p99["dist"][page] / p99["release"][page], "")
