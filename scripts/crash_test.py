#!/usr/bin/env python3
"""Crash test: kill -9 the server under a write load, again and again, and check that nothing the
clients saw acknowledged was lost and that the database is never damaged.

Each round starts the release server on the same database, runs writer threads (each practises
its own scenario: start an attempt, then submit an answer naming the round and the write), kills
the server with SIGKILL at a random moment, and then, with the server dead, opens the database
file itself and checks: `PRAGMA integrity_check` is ok, every attempt whose start was acknowledged
exists, and every submission that was acknowledged is stored with exactly its text.
The last round ends with SIGTERM instead, which must stop the server cleanly within 15 s.

    python3 scripts/crash_test.py --rounds 200     # the long run (make crash-test)
    python3 scripts/crash_test.py --rounds 5       # in make test
"""
import argparse
import http.client
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "coach")
SCENARIOS = ["gpu-pods-pending", "predictions-wrong-200-ok", "registry-deployment-drift"]
EMAIL, PASSWORD = "candidate1@demo.example", "practise-mlops"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_dir, port):
        self.port = port
        env = dict(
            os.environ,
            COACH_ADDR=f"127.0.0.1:{port}",
            COACH_DATABASE_URL=f"sqlite://{db_dir}/coach.db",
            COACH_CONTENT_DIR=os.path.join(ROOT, "content"),
            COACH_LOG="error",
            LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
        )
        self.proc = subprocess.Popen([BIN, "serve", "--demo-accounts"], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"server exited with {self.proc.returncode} at start")
            try:
                status, _, _ = request(port, "GET", "/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        self.proc.kill()
        sys.exit("server not ready within 30 s")


def request(port, method, path, body=None, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    res = conn.getresponse()
    data = res.read().decode("utf-8", "replace")
    conn.close()
    return res.status, res.getheader("Location") or "", (data, res.getheader("Set-Cookie") or "")


def action(html, name):
    m = re.search(r'action="(/api/' + name + r'\d*)"', html)
    if not m:
        sys.exit(f"no {name} form found")
    return m.group(1)


def sign_in(port):
    _, _, (page, _) = request(port, "GET", "/sign-in")
    status, _, (_, cookie) = request(port, "POST", action(page, "sign_in"),
                                     {"email": EMAIL, "password": PASSWORD})
    if status not in (200, 302, 303) or "coach_session=" not in cookie:
        sys.exit(f"sign-in failed: {status}")
    return cookie.split(";")[0]


def discover(port, cookie):
    """Form actions and each scenario's current version, from the pages as a browser sees them."""
    starts = {}
    for slug in SCENARIOS:
        _, _, (page, _) = request(port, "GET", f"/scenarios/{slug}", cookie=cookie)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        starts[slug] = (action(page, "start_attempt"), version)
    attempt = start(port, cookie, *starts[SCENARIOS[0]], SCENARIOS[0])
    _, _, (page, _) = request(port, "GET", f"/practice/{attempt}", cookie=cookie)
    return starts, action(page, "save_answer")


def start(port, cookie, path, version, slug):
    status, location, _ = request(port, "POST", path, {"slug": slug, "version": version, "time_limit": ""},
                                  cookie=cookie)
    m = re.match(r"/practice/(\d+)", location)
    if status not in (302, 303) or not m:
        raise RuntimeError(f"start: {status} {location}")
    return int(m.group(1))


def writer(port, cookie, starts, save, slug, round_no, acked, stop):
    n = 0
    while not stop.is_set():
        try:
            attempt = start(port, cookie, *starts[slug], slug)
            acked["started"].add(attempt)
            n += 1
            text = f"round {round_no} {slug} write {n}: roll back, then compare the feature pipelines."
            status, location, _ = request(port, "POST", save,
                                          {"attempt_id": attempt, "answer": text, "intent": "submit"},
                                          cookie=cookie)
            if status in (302, 303) and location == f"/practice/{attempt}":
                acked["submitted"][attempt] = text
        except (OSError, http.client.HTTPException, RuntimeError):
            return  # the server is gone: this round's writes end here


def verify(db_path, acked):
    db = sqlite3.connect(db_path)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            return f"integrity_check: {ok}"
        ids = {row[0] for row in db.execute("SELECT id FROM attempts")}
        lost = acked["started"] - ids
        if lost:
            return f"{len(lost)} acknowledged attempts lost: {sorted(lost)[:5]}"
        for attempt, text in acked["submitted"].items():
            row = db.execute("SELECT answer_md, submitted_at FROM attempts WHERE id = ?", (attempt,)).fetchone()
            if row is None or row[0] != text or row[1] is None:
                return f"acknowledged submission of attempt {attempt} lost or changed: {row}"
    finally:
        db.close()
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("no release build: run `make build` first")
    rng = random.Random(args.seed)
    acked = {"started": set(), "submitted": {}}
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="coach-crash-") as db_dir:
        db_path = os.path.join(db_dir, "coach.db")
        cookie = starts = save = None
        for round_no in range(1, args.rounds + 1):
            port = free_port()
            server = Server(db_dir, port)
            if cookie is None:
                cookie = sign_in(port)
                starts, save = discover(port, cookie)
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(port, cookie, starts, save, slug, round_no, acked, stop))
                       for slug in SCENARIOS]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.1, 0.8))
            last = round_no == args.rounds
            if last:
                stop.set()
                for t in threads:
                    t.join()
                server.proc.send_signal(signal.SIGTERM)
                try:
                    code = server.proc.wait(15)
                except subprocess.TimeoutExpired:
                    server.proc.kill()
                    sys.exit("SIGTERM: the server did not stop within 15 s")
                if code != 0:
                    sys.exit(f"SIGTERM: the server exited with {code}")
            else:
                server.proc.send_signal(signal.SIGKILL)
                server.proc.wait()
                stop.set()
                for t in threads:
                    t.join()
            problem = verify(db_path, acked)
            if problem:
                sys.exit(f"round {round_no}: {problem}")
    print(f"crash test: {args.rounds} rounds ({args.rounds - 1} kill -9, 1 SIGTERM), "
          f"{len(acked['started'])} acknowledged starts and {len(acked['submitted'])} acknowledged "
          f"submissions all present, integrity ok, in {time.time() - began:.0f} s")


if __name__ == "__main__":
    main()
