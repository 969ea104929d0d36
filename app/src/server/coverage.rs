//! The keyword check the answer assessor replaced, kept as `make eval`'s baseline: each key
//! point's signals looked for in the answer after stemming both, so "rolled back" finds
//! "rollback" and "deployments" finds "deploy".
//!
//! Words are stemmed with the Snowball English stemmer and compared with the spaces between
//! them removed, so a signal written as one word or two ("rollback", "roll back") matches either
//! spelling in the answer. A hint, not a verdict: the candidate's own ticks are shown beside it.
use crate::domain::library::KeyPoint;
use crate::domain::practice::Hint;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;

/// Longest signal, in words, that can be matched.
const MAX_WORDS: usize = 4;

fn stems(stemmer: &Stemmer, text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stemmer.stem(&w.to_lowercase()).into_owned())
        .collect()
}

/// The hints for `key_points` in `answer`, in the key points' order.
pub fn hints(answer: &str, key_points: &[KeyPoint]) -> Vec<Hint> {
    let stemmer = Stemmer::create(Algorithm::English);
    let words = stems(&stemmer, answer);
    // Every run of 1..=MAX_WORDS consecutive stems, joined without spaces.
    let mut runs = HashSet::new();
    for start in 0..words.len() {
        let mut joined = String::new();
        for word in words.iter().skip(start).take(MAX_WORDS) {
            joined.push_str(word);
            runs.insert(joined.clone());
        }
    }
    key_points
        .iter()
        .map(|k| Hint {
            key: k.key.clone(),
            label: k.label.clone(),
            found: k
                .synonyms
                .iter()
                .filter(|signal| {
                    let s = stems(&stemmer, signal);
                    !s.is_empty() && s.len() <= MAX_WORDS && runs.contains(&s.concat())
                })
                .cloned()
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(key: &str, synonyms: &[&str]) -> KeyPoint {
        KeyPoint {
            key: key.into(),
            label: key.into(),
            synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn found(answer: &str, synonyms: &[&str]) -> Vec<String> {
        hints(answer, &[point("k", synonyms)]).remove(0).found
    }

    #[test]
    fn stemming_matches_other_forms_of_a_signal() {
        assert_eq!(
            found("First I rolled back to v12.", &["rollback"]),
            ["rollback"]
        );
        assert_eq!(found("A quick ROLLBACK.", &["roll back"]), ["roll back"]);
        assert_eq!(
            found(
                "I would check recent deployments",
                &["deployment history", "deploy"]
            ),
            ["deploy"]
        );
        assert_eq!(
            found(
                "training-serving skew in the features",
                &["training serving skew"]
            ),
            ["training serving skew"]
        );
    }

    #[test]
    fn absent_signals_are_not_found() {
        assert!(found(
            "Restart the pods and hope.",
            &["rollback", "golden payload"]
        )
        .is_empty());
        assert!(found("", &["rollback"]).is_empty());
        assert!(
            found("roll the dice, look back", &["roll back"]).is_empty(),
            "words must be next to each other"
        );
    }

    #[test]
    fn each_key_point_gets_a_hint_in_order() {
        let points = [point("a", &["canary"]), point("b", &["p99 latency"])];
        let h = hints("Canary at 5%, watch p99 latency.", &points);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].found, ["canary"]);
        assert_eq!(h[1].found, ["p99 latency"]);
    }
}
