#!/usr/bin/env python3
"""Fit the answer assessor's two verdict models on the DEV half of eval/answers, and print them as
the Rust constants of app/src/domain/assess.rs. The test half is never read here.

    ./target/debug/coach eval-assessor --features-dev /tmp/dev.csv
    python3 scripts/fit_assessor.py /tmp/dev.csv

Two L2-regularised logistic regressions (Newton's method, the objective of scikit-learn's
LogisticRegression(C=10)) on the assessor's measurements (app/src/domain/assess.rs,
`Features`): "covered" against the rest, and "at least partly" against "missed". The decision
thresholds are then chosen on the same dev rows: the covered threshold maximises F1 of
"covered" among thresholds that keep false "covered" on keyword-stuffed answers at most 0.5 per
answer and missed points called covered in confidently wrong answers at most 5%; the partly
threshold maximises agreement on the remaining rows. Pure Python: no packages to install.
"""
import csv
import math
import sys

FEATURES = ["stated", "fragment", "rejected", "label_share", "synonyms", "sentences", "substance", "stuffed", "length", "doubt", "contrary", "breadth"]


def solve(a, b):
    """Solve a x = b by Gaussian elimination with partial pivoting (a is small and dense)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def fit(xs, ys, c=10.0, rounds=30):
    """L2-regularised logistic regression (penalty 1/(2c) |w|^2, intercept free) by Newton's
    method: the same objective as scikit-learn's LogisticRegression(C=c)."""
    d = len(xs[0]) + 1
    w = [0.0] * d
    rows = [[1.0] + x for x in xs]
    for _ in range(rounds):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(rows, ys):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(min(z, 30), -30)))
            g = c * (p - y)
            h = c * p * (1 - p)
            for i in range(d):
                grad[i] += g * x[i]
                for j in range(d):
                    hess[i][j] += h * x[i] * x[j]
        for i in range(1, d):
            grad[i] += w[i]
            hess[i][i] += 1.0
        step = solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(si) for si in step) < 1e-8:
            break
    return w


def prob(w, x):
    z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30), -30)))


def main(path):
    rows = list(csv.DictReader(open(path)))
    xs = [[float(r[f]) for f in FEATURES] for r in rows]
    labels = [r["label"] for r in rows]
    kinds = [r["kind"] for r in rows]
    stuffed_answers = len({(r["scenario"]) for r in rows if r["kind"] == "stuffed"})
    covered = fit(xs, [1.0 if l == "covered" else 0.0 for l in labels])
    seen = fit(xs, [0.0 if l == "missed" else 1.0 for l in labels])
    # The rule the assessor applies before the model: two synonyms stated whole, the best in a
    # sentence of eight or more content words that rejects nothing, is covered whatever the
    # answer's length (app/src/domain/assess.rs, `stated_plainly`).
    fi = {f: i for i, f in enumerate(FEATURES)}
    plain = [x[fi["stated"]] >= 0.999 and x[fi["substance"]] >= 0.4 and x[fi["doubt"]] == 0
             and x[fi["synonyms"]] >= 2 for x in xs]
    pc = [1.0 if r else prob(covered, x) for x, r in zip(xs, plain)]
    ps = [prob(seen, x) for x in xs]

    best = None
    for t in [i / 100 for i in range(20, 96)]:
        tp = sum(1 for p, l in zip(pc, labels) if p >= t and l == "covered")
        fp = sum(1 for p, l in zip(pc, labels) if p >= t and l != "covered")
        fn = sum(1 for p, l in zip(pc, labels) if p < t and l == "covered")
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        stuffed_fp = sum(1 for p, l, k in zip(pc, labels, kinds) if k == "stuffed" and p >= t and l != "covered")
        wrong_missed = [p for p, l, k in zip(pc, labels, kinds) if k == "wrong" and l == "missed"]
        wrong_rate = sum(1 for p in wrong_missed if p >= t) / max(len(wrong_missed), 1)
        ok = stuffed_fp / max(stuffed_answers, 1) <= 0.5 and wrong_rate <= 0.05
        key = (ok, f1)
        if best is None or key > best[0]:
            best = (key, t, f1, stuffed_fp / max(stuffed_answers, 1), wrong_rate)
    (_, t_cov, f1, stuffed_rate, wrong_rate) = best
    free = max(
        (2 * sum(1 for p, l in zip(pc, labels) if p >= t and l == "covered")
         / max(1, sum(1 for p in pc if p >= t) + sum(1 for l in labels if l == "covered")), t)
        for t in [i / 100 for i in range(5, 96)]
    )
    print(f"// unconstrained best dev F1 {free[0]:.3f} at {free[1]:.2f}")

    best_seen = None
    for t in [i / 100 for i in range(10, 96)]:
        agree = 0
        for c, s, l in zip(pc, ps, labels):
            m = "covered" if c >= t_cov else ("partly" if s >= t else "missed")
            agree += m == l
        if best_seen is None or agree > best_seen[0]:
            best_seen = (agree, t)
    t_seen = best_seen[1]

    fmt = lambda w: "[" + ", ".join(f"{v:.3f}" for v in w) + "]"
    print(f"// dev rows {len(rows)}; dev F1 covered {f1:.3f}; stuffed false covered/answer {stuffed_rate:.2f}; "
          f"wrong missed->covered {wrong_rate:.3f}; agreement {best_seen[0] / len(rows):.3f}")
    print(f"const COVERED: [f32; FEATURES + 1] = {fmt(covered)};")
    print(f"const SEEN: [f32; FEATURES + 1] = {fmt(seen)};")
    print(f"const COVERED_AT: f32 = {t_cov:.2f};")
    print(f"const SEEN_AT: f32 = {t_seen:.2f};")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/eval/dev-features.csv")
