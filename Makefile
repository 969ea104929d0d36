# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# The HTTP load generator of `make bench` (from crates.io; nginx and brotli come from Debian).
OHA_VERSION := 1.16.0

# npm's binaryen provides wasm-opt for release builds (Debian's breaks hydration in Chromium);
# npm's esbuild minifies the wasm's JavaScript glue and bundles the CSS.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_OUTPUT_NAME := coach
export LEPTOS_SITE_ROOT := target/site
export LEPTOS_SITE_PKG_DIR := pkg

COACH_ADDR ?= 127.0.0.1:3000
COACH_DATABASE_URL ?= sqlite://data/coach.db
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test build dist tools node-deps chromium postgres check-content eval bench bench-tools crash-test screenshots clean

## run: set up, build (release), and serve on http://$(COACH_ADDR) with ./data/coach.db
run: build
	COACH_ADDR=$(COACH_ADDR) COACH_DATABASE_URL=$(COACH_DATABASE_URL) ./target/release/coach serve --demo

## test: set up, build, and run every test: the content lint, Rust unit + integration (on SQLite,
## then again on a throwaway PostgreSQL), Playwright in Chromium (then two instances on one
## PostgreSQL), a short crash test (kill -9 under writes) and the wasm size budget
test: build chromium postgres
	./target/release/coach check-content content
	cargo test --workspace --features ssr
	python3 scripts/with_postgres.py -- cargo test --features ssr -p app --test integration
	cd end2end && npx playwright test
	python3 scripts/with_postgres.py -- sh -c 'cd end2end && npx playwright test --config playwright.instances.config.ts'
	python3 scripts/crash_test.py --rounds 5
	python3 scripts/wasm_budget.py

## build: the release server binary and the size-optimised wasm + CSS under target/site, with
## plain cargo (scripts/build.sh runs cargo-leptos's steps without cargo-leptos)
build: tools node-deps
	scripts/build.sh

## dist: `build`, plus the server binary to deploy (target/dist/coach): link-time optimised,
## a third less machine code, less memory on a small VM (docs/OPERATIONS.md); slower to build
dist: build
	cargo build --package=coach --bin=coach --no-default-features --features=ssr --profile=dist --locked

# (wasm-bindgen-cli, at Cargo.lock's version, is installed by scripts/build.sh while it compiles)
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown

node-deps: end2end/node_modules/.package-lock.json

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	# --ignore-scripts: no package may fetch anything at install (vnu-jar would try a Java download).
	cd end2end && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

chromium:
	@command -v chromium >/dev/null && command -v brotli >/dev/null \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium brotli; }

# PostgreSQL server binaries from Debian's packages, for the throwaway servers of
# scripts/with_postgres.py (nothing is left running: each test run starts and removes its own).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends postgresql; }

## bench: sizes, start-up, page latency, throughput against nginx, concurrent writes, memory
## (the release build beside `make dist`'s, after the same bursts),
## Lighthouse (mobile) and the Nu HTML checker on the main pages, and the queries and signed-in
## pages of a 1,000,000-score synthetic dataset, on SQLite and again on a throwaway PostgreSQL
## (durable settings); results in target/bench/results.json
bench: dist bench-tools chromium postgres
	python3 scripts/with_postgres.py --durable -- python3 scripts/bench.py

bench-tools:
	@command -v brotli >/dev/null && command -v nginx >/dev/null && command -v java >/dev/null \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends brotli nginx default-jre-headless; }
	@oha --version 2>/dev/null | grep -qF "$(OHA_VERSION)" \
		|| cargo install --locked oha --version $(OHA_VERSION)

## screenshots: the phone screenshots in docs/screenshots/ (390 px, the lived-in demo), remade
screenshots: build chromium
	cd end2end && node screenshots.mjs

## crash-test: the long run: 200 rounds of kill -9 under a write load, nothing acknowledged lost
crash-test: build
	python3 scripts/crash_test.py --rounds 200

## eval: the answer assessor against the labelled answers of eval/answers (dev and held-out test
## halves), beside the old keyword check; every figure in target/eval/results.json
eval: build
	./target/release/coach eval-assessor

## check-content: validate content/ (format and library lint) and print every problem, without
## starting the server
check-content:
	cargo run --quiet --features ssr --bin coach -- check-content content

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results
