#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server, then stop and remove the server.

    python3 scripts/with_postgres.py [--durable] -- COMMAND [ARGS...]

The server comes from Debian's packages (`make postgres` installs them): initdb in a new
temporary folder, trust authentication, listening on 127.0.0.1 on a free port only. The command
gets its URL in COACH_TEST_POSTGRES (a superuser `coach`, database `postgres`) and the exit code
is the command's. The server stops and its folder is removed when the command ends, when this
script is interrupted, and (through a watchdog process) when this script is killed.

Without --durable the server skips fsync (tests throw their data away); the benchmark passes
--durable so that its figures are those of a real deployment.
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def pg_bin():
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if not found:
        sys.exit("with_postgres: PostgreSQL is not installed (make postgres installs it from Debian's packages)")
    return os.path.dirname(found[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    args = sys.argv[1:]
    durable = "--durable" in args
    if "--" not in args:
        sys.exit(__doc__)
    command = args[args.index("--") + 1 :]
    if not command:
        sys.exit(__doc__)

    bindir = pg_bin()
    folder = tempfile.mkdtemp(prefix="coach-pg-")
    data = os.path.join(folder, "data")
    # PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
    as_user = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(folder, 0o700)

    def run(*cmd, **kw):
        return subprocess.run(as_user + list(cmd), check=True, **kw)

    port = free_port()
    server = None
    watchdog = None
    try:
        run(
            os.path.join(bindir, "initdb"),
            "-D", data, "-U", "coach", "-A", "trust", "-E", "UTF8", "--no-locale",
            stdout=subprocess.DEVNULL,
        )
        settings = [
            "-c", "listen_addresses=127.0.0.1",
            "-c", f"port={port}",
            "-c", f"unix_socket_directories={folder}",
            "-c", "max_connections=400",
            "-c", "shared_buffers=128MB",
        ]
        if not durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        log = open(os.path.join(folder, "server.log"), "w")
        server = subprocess.Popen(
            as_user + [os.path.join(bindir, "postgres"), "-D", data] + settings,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Should this script die without cleaning up, stop the server and remove its folder.
        watchdog = subprocess.Popen(
            [
                "sh", "-c",
                f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                f"{' '.join(as_user)} {os.path.join(bindir, 'pg_ctl')} -D '{data}' stop -m fast -w -t 20 >/dev/null 2>&1"
                f" || kill -KILL -{server.pid} 2>/dev/null; rm -rf '{folder}'",
            ],
            start_new_session=True,
        )
        deadline = time.time() + 30
        while True:
            ready = subprocess.run(
                [os.path.join(bindir, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
            ).returncode == 0
            if ready:
                break
            if server.poll() is not None or time.time() > deadline:
                log.flush()
                sys.stderr.write(open(os.path.join(folder, "server.log")).read())
                sys.exit("with_postgres: the server did not start")
            time.sleep(0.2)
        url = f"postgres://coach@127.0.0.1:{port}/postgres"
        print(f"with_postgres: PostgreSQL ({os.path.basename(os.path.dirname(bindir))}) at {url}", flush=True)
        env = dict(os.environ, COACH_TEST_POSTGRES=url)
        child = subprocess.Popen(command, env=env)
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            code = child.wait()
        except KeyboardInterrupt:
            child.terminate()
            code = child.wait()
        return code
    finally:
        if server is not None and server.poll() is None:
            # pg_ctl's fast shutdown: ends sessions, writes a checkpoint, does not wait for
            # clients; SIGKILL only if that fails.
            stopped = subprocess.run(
                as_user + [os.path.join(bindir, "pg_ctl"), "-D", data, "stop", "-m", "fast", "-w", "-t", "20"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ).returncode == 0
            try:
                server.wait(timeout=5 if stopped else 1)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if watchdog is not None:
            watchdog.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
