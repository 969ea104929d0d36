#!/usr/bin/env bash
# Measures what a newcomer waits for on a fresh machine (docs/PERFORMANCE.md, "Fresh machine"):
# a clean clone of this repository with empty cargo and npm caches (a new HOME; only the Rust
# toolchain itself is reused, as rustup installs it), then `make run` until the first page is
# served. Prints the minutes. Everything it makes is under $1 (default /tmp/coach-fresh) and
# removed at the end; the server it starts is stopped by its PID.
#   scripts/fresh_machine.sh [DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/coach-fresh}"
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
rustup_bin="$(command -v rustup)"
rm -rf "$dir"
mkdir -p "$dir/home/.cargo/bin"
for tool in cargo rustc rustup rustdoc; do ln -s "$rustup_bin" "$dir/home/.cargo/bin/$tool"; done
git clone --quiet "$repo" "$dir/main"
port=3961
# The server `make run` started: the coach process working in our clone.
stop_server() {
    for pid in $(pgrep -x coach || true); do
        if [ "$(readlink "/proc/$pid/cwd")" = "$dir/main" ]; then kill -TERM "$pid"; fi
    done
}
began=$(date +%s)
(
    cd "$dir/main"
    env -i HOME="$dir/home" RUSTUP_HOME="$rustup_home" RUSTUP_AUTO_INSTALL=0 CARGO_HOME="$dir/home/.cargo" \
        PATH="$dir/home/.cargo/bin:/usr/local/bin:/usr/bin:/bin" TERM=dumb \
        make run COACH_ADDR=127.0.0.1:$port >"$dir/run.log" 2>&1
) &
runner=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do
    if ! kill -0 "$runner" 2>/dev/null; then
        tail -30 "$dir/run.log"
        echo "fresh_machine.sh: make run stopped before serving" >&2
        exit 1
    fi
    sleep 2
done
served=$(date +%s)
echo "make run on a fresh clone with empty caches: first page after $(( (served - began) / 60 )) min $(( (served - began) % 60 )) s"
stop_server
wait "$runner" 2>/dev/null || true
# A warm second `make run` (nothing changed) to first page.
began=$(date +%s%N)
(
    cd "$dir/main"
    env -i HOME="$dir/home" RUSTUP_HOME="$rustup_home" RUSTUP_AUTO_INSTALL=0 CARGO_HOME="$dir/home/.cargo" \
        PATH="$dir/home/.cargo/bin:/usr/local/bin:/usr/bin:/bin" TERM=dumb \
        make run COACH_ADDR=127.0.0.1:$port >"$dir/run2.log" 2>&1
) &
runner=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do sleep 0.2; done
echo "warm make run (nothing changed): first page after $(( ($(date +%s%N) - began) / 1000000 )) ms"
stop_server
wait "$runner" 2>/dev/null || true
rm -rf "$dir"
