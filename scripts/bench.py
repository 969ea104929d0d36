#!/usr/bin/env python3
"""Benchmarks for `make bench`: sizes of what the browser downloads, start-up time, page latency.

Runs the release build (`make build` first) on a fresh database in a temporary folder, on
127.0.0.1 only, and stops it at the end. Prints each figure next to its target; exits 1 when a
target is missed. Timed tests do not belong in `make test`: numbers live here.
"""
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "target", "site", "pkg")
BIN = os.path.join(ROOT, "target", "release", "coach")

# Targets. The wasm budget is for brotli, as served to browsers that accept it.
TARGETS = {
    "wasm_brotli_kb": 100,
    "css_gzip_kb": 8,
    "first_start_ms": 1000,
    "warm_start_ms": 500,
    "page_p95_ms": 10,
}

failures = []


def check(name, value, unit):
    target = TARGETS[name]
    ok = value <= target
    if not ok:
        failures.append(name)
    print(f"  {name:<22} {value:>9.1f} {unit:<3} target <= {target:<6} {'ok' if ok else 'OVER'}")


def brotli_size(path):
    if shutil.which("brotli") is None:
        return None
    out = subprocess.run(["brotli", "-c", "-q", "11", path], capture_output=True, check=True)
    return len(out.stdout)


def sizes():
    print("Download sizes (release build, after wasm-opt):")
    for name in ("coach.wasm", "coach.js", "coach.css"):
        path = os.path.join(PKG, name)
        raw = os.path.getsize(path)
        gz = len(gzip.compress(open(path, "rb").read(), 9))
        br = brotli_size(path)
        br_text = f"{br / 1024:.1f} KB" if br else "n/a (no brotli)"
        print(f"  {name:<12} raw {raw / 1024:8.1f} KB   gzip {gz / 1024:7.1f} KB   brotli {br_text}")
        if name == "coach.wasm" and br:
            check("wasm_brotli_kb", br / 1024, "KB")
        if name == "coach.css":
            check("css_gzip_kb", gz / 1024, "KB")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db_dir, port):
    env = dict(
        os.environ,
        COACH_ADDR=f"127.0.0.1:{port}",
        COACH_DATABASE_URL=f"sqlite://{db_dir}/coach.db",
        COACH_CONTENT_DIR=os.path.join(ROOT, "content"),
        COACH_LOG="warn",
        LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
    )
    began = time.perf_counter()
    proc = subprocess.Popen([BIN], env=env, cwd=ROOT)
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


def main():
    if not os.path.exists(BIN):
        sys.exit("no release build: run `make build` first")
    sizes()
    with tempfile.TemporaryDirectory() as db_dir:
        port = free_port()
        drills = len([f for f in os.listdir(os.path.join(ROOT, "content", "scenarios")) if f.endswith(".md")])
        print(f"Start-up (migrations + content sync of {drills} scenarios, to first page served):")
        proc, first = start(db_dir, port)
        proc.terminate()
        proc.wait(10)
        check("first_start_ms", first, "ms")
        proc, warm = start(db_dir, port)
        check("warm_start_ms", warm, "ms")
        try:
            print("Page latency, sequential requests on loopback (median / p95):")
            worst = 0.0
            for path in ("/", "/scenarios", "/scenarios?q=rollback+latency",
                         "/scenarios?topic=serving&level=senior",
                         "/scenarios/registry-deployment-drift", "/rubric"):
                med, p95 = latency(port, path)
                worst = max(worst, p95)
                print(f"  {path:<42} {med:6.2f} ms / {p95:6.2f} ms")
            check("page_p95_ms", worst, "ms")
        finally:
            proc.terminate()
            proc.wait(10)
    if failures:
        sys.exit(f"targets missed: {', '.join(failures)}")


if __name__ == "__main__":
    main()
