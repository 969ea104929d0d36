#!/usr/bin/env bash
# Builds what `make run` serves, with plain cargo: the release server binary, and the browser
# half (wasm + its JavaScript glue + CSS) under target/site. These are the steps cargo-leptos
# runs (its source: compile the lib for wasm32, wasm-bindgen, wasm-opt, bundle the CSS, copy
# public/), without the 23 minutes of compiling cargo-leptos itself on a fresh machine.
#
# The two cargo builds run side by side (separate target dirs, as cargo-leptos keeps them):
# on two cores that overlaps each one's long single-threaded stretches (LTO, linking).
# Post-processing runs only when its input changed, so an unchanged tree builds in seconds.
#
# wasm-bindgen's command-line tool must be exactly the version of the wasm-bindgen crate in
# Cargo.lock; when it is not on PATH it is installed from crates.io here, alongside the builds.
# npm's binaryen (wasm-opt; Debian's breaks hydration) and esbuild come from end2end/: first
# on PATH here, so a Debian binaryen never wins (run `make node-deps` once if they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

name=${LEPTOS_OUTPUT_NAME:-coach}
site=target/site
pkg=$site/pkg
wasm_in=target/front/wasm32-unknown-unknown/wasm-release/$name.wasm
mkdir -p target/front "$pkg"

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
bindgen_pid=
if ! wasm-bindgen --version 2>/dev/null | grep -qxF "wasm-bindgen $bindgen_version"; then
    cargo install wasm-bindgen-cli --version "$bindgen_version" >target/front/bindgen-install.log 2>&1 &
    bindgen_pid=$!
fi

wasm_log=target/front/build.log
cargo build --package=coach --lib --target=wasm32-unknown-unknown --target-dir=target/front \
    --no-default-features --features=hydrate --profile=wasm-release --locked \
    >"$wasm_log" 2>&1 &
wasm_pid=$!
server_ok=0
cargo build --package=coach --bin=coach --no-default-features --features=ssr --release --locked \
    || server_ok=$?
wasm_ok=0
wait "$wasm_pid" || wasm_ok=$?
if [ "$wasm_ok" != 0 ]; then
    cat "$wasm_log" >&2
    echo "build.sh: the wasm build failed" >&2
    exit 1
fi
grep -E '^(warning|error)' "$wasm_log" >&2 || true
[ "$server_ok" = 0 ] || { echo "build.sh: the server build failed" >&2; exit 1; }
if [ -n "$bindgen_pid" ] && ! wait "$bindgen_pid"; then
    cat target/front/bindgen-install.log >&2
    echo "build.sh: installing wasm-bindgen-cli $bindgen_version failed" >&2
    exit 1
fi

# wasm-bindgen's glue and the optimised wasm, remade only when cargo produced a new wasm.
if [ ! -f "$pkg/$name.wasm" ] || [ "$wasm_in" -nt "$pkg/$name.wasm" ]; then
    tmp=$(mktemp -d target/front/bindgen.XXXXXX)
    wasm-bindgen --target=web --no-typescript --out-name="$name" --out-dir="$tmp" "$wasm_in"
    # The flags are cargo-leptos's: the features rustc's wasm32 target emits by default.
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        "$tmp/${name}_bg.wasm" -o "$tmp/$name.wasm"
    esbuild --minify --log-level=warning "$tmp/$name.js" --outfile="$pkg/$name.js" --allow-overwrite
    mv "$tmp/$name.wasm" "$pkg/$name.wasm"
    rm -rf "$tmp"
fi

# One stylesheet: main.css @imports the others; esbuild inlines and minifies them (plain CSS,
# no transforms needed).
esbuild --bundle --minify --log-level=warning style/main.css --outfile="$pkg/$name.css"
cp -r public/. "$site/"

# Brotli and gzip copies of the browser files at the best compression, which the server sends
# as they are (remade only for a file newer than its copies).
./target/release/coach precompress "$pkg" >/dev/null
