#!/usr/bin/env python3
"""The browser download's size budget, enforced in `make test` (the trend is in `make bench`).

Fails when the release wasm grows past its budget, raw or brotli-compressed as browsers get it,
so that growth is a decision someone makes, not an accident.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASM = os.path.join(ROOT, "target", "site", "pkg", "coach.wasm")
BUDGET_BROTLI_KB = 150
BUDGET_RAW_KB = 480

raw = os.path.getsize(WASM)
# The brotli copy the build made and the server sends (`coach precompress`), else the same
# quality from the brotli command.
if os.path.exists(WASM + ".br") and os.path.getmtime(WASM + ".br") >= os.path.getmtime(WASM):
    brotli = os.path.getsize(WASM + ".br")
else:
    brotli = len(subprocess.run(["brotli", "-c", "-q", "11", WASM], capture_output=True, check=True).stdout)
print(f"wasm budget: raw {raw / 1024:.1f} KB (<= {BUDGET_RAW_KB}), brotli {brotli / 1024:.1f} KB (<= {BUDGET_BROTLI_KB})")
if raw > BUDGET_RAW_KB * 1024 or brotli > BUDGET_BROTLI_KB * 1024:
    sys.exit("the wasm is over its size budget")
