//! `make eval`'s report: every figure as JSON, and as the text it prints.
use super::*;

/// Every figure of the evaluation, as JSON.
pub fn to_json(e: &Evaluation) -> Vec<u8> {
    serde_json::to_vec_pretty(e).unwrap_or_default()
}

/// The evaluation as a text report.
pub fn report(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Answer assessor evaluation: {} labelled answers over {} drills\n",
        e.answers, e.drills
    );
    for (split, methods) in &e.splits {
        let n = methods.first().map_or(0, |m| m.overall.answers);
        let pairs = methods.first().map_or(0, |m| m.overall.pairs);
        let _ = writeln!(
            out,
            "== {split} half: {n} answers, {pairs} key-point labels{} ==",
            if split == "test" {
                " (held out: nothing tuned on it)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "{:<24} {:<8} {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6} {:>9} {:>9}",
            "method",
            "kind",
            "P",
            "R",
            "F1",
            "softP",
            "softR",
            "softF",
            "alpha",
            "falseC/ans",
            "miss->cov"
        );
        for m in methods {
            let rows = std::iter::once(("overall".to_string(), &m.overall)).chain(
                KINDS
                    .iter()
                    .filter_map(|k| m.by_kind.get(*k).map(|s| (k.to_string(), s))),
            );
            for (kind, s) in rows {
                let _ = writeln!(
                    out,
                    "{:<24} {:<8} {:>5.3} {:>5.3} {:>5.3} | {:>5.3} {:>5.3} {:>5.3} | {:>6} {:>9.2} {:>9.3}",
                    m.method,
                    kind,
                    s.precision,
                    s.recall,
                    s.f1,
                    s.soft_precision,
                    s.soft_recall,
                    s.soft_f1,
                    s.alpha.map_or("n/a".to_string(), |a| format!("{a:.3}")),
                    s.false_covered_per_answer,
                    s.missed_called_covered
                );
            }
            let c = m.overall.confusion;
            let _ = writeln!(
                out,
                "{:<24} confusion (rows: label covered/partly/missed; columns: machine): {:?} {:?} {:?}; ms per answer p50 {:.2} p95 {:.2} max {:.2}",
                "", c[0], c[1], c[2], m.ms_p50, m.ms_p95, m.ms_max
            );
        }
        let _ = writeln!(out);
    }
    let t = targets(e);
    if !t.is_empty() {
        let _ = writeln!(out, "Targets, on the test half ({}):", e.assessor);
        for (what, figure, target, met) in t {
            let _ = writeln!(
                out,
                "  {:<58} {:>8.3}  target {:<8} {}",
                what,
                figure,
                target,
                if met { "met" } else { "NOT MET" }
            );
        }
    }
    out
}
