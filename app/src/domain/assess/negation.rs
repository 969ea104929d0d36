//! Does a unit reject what it mentions? "I wouldn't bother rolling back", "no need to pin the
//! version", "instead of a rollback I'd retrain", "rolling back is pointless". A NegEx-style
//! reading: a cue turns the words after it (or, for a few, before it) negative until the scope
//! ends at a clause boundary or a contrast ("but", "then").
use super::text::Token;

/// Cues that negate what follows them, as normalised word sequences.
const BEFORE: &[&[&str]] = &[
    &["not"],
    &["no"],
    &["never"],
    &["without"],
    &["nor"],
    &["neither"],
    &["instead", "of"],
    &["rather", "than"],
    &["skip"],
    &["avoid"],
    &["bother"],
    &["forget"],
    &["against"],
    &["unnecessary"],
    &["pointless"],
    &["ignor"],
    &["instead", "just"],
    &["refus"],
    &["stop", "worry", "about"],
    &["no", "point"],
    &["waste", "time", "on"],
];

/// Cues that negate what comes before them in the same clause ("rolling back is pointless").
const AFTER: &[&[&str]] = &[
    &["pointless"],
    &["unnecessary"],
    &["overkill"],
    &["waste", "time"],
    &["not", "need"],
    &["not", "worth"],
    &["not", "necessary"],
    &["not", "help"],
    &["won", "help"],
    &["useless"],
    &["irrelevant"],
    &["red", "herr"],
    &["distraction"],
    &["never", "work"],
    &["not", "issu"],
    &["not", "problem"],
    &["not", "matter"],
    &["not", "important"],
    &["not", "real"],
    &["wrong", "tool"],
    &["off", "tabl"],
    &["rabbit", "hol"],
    &["no", "reason"],
    &["noise"],
    &["fact", "lif"],
];

/// Words that end a negation's scope: a new clause, a contrast or a sequence.
const SCOPE_ENDS: &[&str] = &[
    "but", "however", "though", "although", "instead", "then", "so", "because", "until", "while",
    "whereas", "yet", "which", "and",
];

/// How many words a cue reaches at most.
const REACH: usize = 7;

fn starts_with(tokens: &[Token], at: usize, cue: &[&str]) -> bool {
    cue.iter()
        .enumerate()
        .all(|(k, w)| tokens.get(at + k).is_some_and(|t| t.norm == *w))
}

/// Which words of `tokens` are in a negated scope. `breaks[i]` is true when a clause boundary
/// (comma, colon, dash) comes right before word `i`.
pub fn negated(tokens: &[Token], breaks: &[bool]) -> Vec<bool> {
    let mut out = vec![false; tokens.len()];
    for i in 0..tokens.len() {
        for cue in BEFORE {
            if !starts_with(tokens, i, cue) {
                continue;
            }
            // "not only ... but": not a negation.
            if cue == &["not"] && tokens.get(i + 1).is_some_and(|t| t.norm == "only") {
                continue;
            }
            let first = i + cue.len();
            for (j, flag) in out.iter_mut().enumerate().skip(first).take(REACH) {
                if j > first && (breaks[j] || SCOPE_ENDS.contains(&tokens[j].norm.as_str())) {
                    break;
                }
                *flag = true;
            }
        }
        for cue in AFTER {
            if !starts_with(tokens, i, cue) {
                continue;
            }
            let mut j = i;
            while j > 0 && i - j < REACH {
                if breaks[j] {
                    break;
                }
                j -= 1;
                if SCOPE_ENDS.contains(&tokens[j].norm.as_str()) {
                    break;
                }
                out[j] = true;
            }
        }
    }
    out
}

/// For each word of `tokens` (words of `text`), whether a comma, colon, semicolon or dash
/// stands between it and the word before.
pub fn clause_breaks(text: &str, tokens: &[Token]) -> Vec<bool> {
    let mut out = vec![false; tokens.len()];
    for i in 1..tokens.len() {
        // "doesn't" is two words of one span: nothing stands between them.
        let Some(between) = text.get(tokens[i - 1].end..tokens[i].start) else {
            continue;
        };
        out[i] = between.contains([',', ':', ';', '(', ')'])
            || between.contains(" - ")
            || between.contains('—');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::text::tokens;
    use super::*;

    /// The words of `text` that are negated, as written.
    fn neg(text: &str) -> Vec<String> {
        let t = tokens(text);
        let b = clause_breaks(text, &t);
        negated(&t, &b)
            .iter()
            .zip(&t)
            .filter(|(n, _)| **n)
            .map(|(_, t)| text[t.start..t.end].to_string())
            .collect()
    }

    #[test]
    fn negation_covers_what_it_rejects() {
        assert_eq!(
            neg("I wouldn't bother rolling back"),
            ["bother", "rolling", "back"]
        );
        assert_eq!(
            neg("No need to pin the version"),
            ["need", "to", "pin", "the", "version"]
        );
        assert_eq!(
            neg("Instead of a rollback I'd retrain"),
            ["a", "rollback", "I'd", "retrain"]
        );
        assert_eq!(
            neg("Rolling back is pointless here"),
            ["Rolling", "back", "is", "here"]
        );
    }

    #[test]
    fn the_scope_ends_at_a_clause_or_a_contrast() {
        assert_eq!(neg("Not the GPUs, I roll back the model"), ["the", "GPUs"]);
        assert_eq!(neg("I would not panic but roll back the model"), ["panic"]);
        assert!(neg("Not only roll back but also pin it").is_empty());
        assert!(neg("Roll back to the last good model, then pin it").is_empty());
    }
}
