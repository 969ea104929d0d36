//! An answer cut into the units evidence is read from: sentences, list items, and the fragments
//! of a comma-separated run of keywords (the shape of a keyword-stuffed answer).
use super::text::{is_function_word, tokens, Token};

/// One unit of an answer: its span in the text and its words.
#[derive(Clone, Debug)]
pub struct Unit {
    pub start: usize,
    pub end: usize,
    pub tokens: Vec<Token>,
    /// a fragment of a keyword list: a few words with no sentence around them
    pub fragment: bool,
}

impl Unit {
    /// Words that carry content (function words left out).
    pub fn content_words(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| !is_function_word(&t.norm))
            .count()
    }
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "vs", "etc", "approx", "cf", "fig", "no", "mr", "dr",
];

/// Whether the full stop at byte `dot` follows an abbreviation ("e.g.", "etc.") or a list
/// number at the start of a line ("1. page the owner"). Reads at most eight bytes back.
fn after_abbreviation_or_list_number(text: &str, dot: usize) -> bool {
    const LOOK_BACK: usize = 8;
    let from = (dot.saturating_sub(LOOK_BACK)..=dot)
        .find(|&j| text.is_char_boundary(j))
        .unwrap_or(dot);
    let window = &text[from..dot];
    let raw_before = window
        .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
        .next()
        .unwrap_or("");
    if raw_before.len() == window.len() && from > 0 {
        // The word runs past the window: longer than any abbreviation or list number.
        return false;
    }
    let word_before = raw_before.to_lowercase();
    let line_start = text[..dot - raw_before.len()].trim_end_matches([' ', '\t']);
    let list_number = !word_before.is_empty()
        && word_before.len() <= 2
        && word_before.bytes().all(|b| b.is_ascii_digit())
        && (line_start.is_empty() || line_start.ends_with('\n'));
    list_number || ABBREVIATIONS.contains(&word_before.as_str())
}

/// Where sentences and list items end in `text`: byte ranges, trimmed, none empty.
fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let end_here = match c {
            b'\n' => true,
            b'!' | b'?' | b';' => true,
            b'.' => {
                let next = bytes.get(i + 1).copied();
                let at_space = next.is_none_or(|n| n.is_ascii_whitespace());
                // "v1.2", "2.5", "e.g." and "etc." do not end a sentence. Only the few bytes
                // before the dot are looked at (the longest abbreviation is six): a whole-text
                // look-back at every dot made a long run of dots quadratic.
                at_space && !after_abbreviation_or_list_number(text, i)
            }
            _ => false,
        };
        if end_here {
            spans.push((start, i + 1));
            start = i + 1;
        }
        i += 1;
    }
    spans.push((start, text.len()));
    spans
        .into_iter()
        .filter_map(|(s, e)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            let (s, e) = (s + lead, e - trail);
            (s < e).then_some((s, e))
        })
        .collect()
}

/// A sentence that is a run of short comma-separated items ("monitor lag, check the job,
/// alert, retrain"): its items, as spans; None for an ordinary sentence.
fn keyword_run(text: &str, start: usize, end: usize) -> Option<Vec<(usize, usize)>> {
    let piece = &text[start..end];
    let mut items = Vec::new();
    let mut from = 0;
    for (i, c) in piece.char_indices() {
        if c == ',' || c == '/' || c == '+' {
            items.push((from, i));
            from = i + c.len_utf8();
        }
    }
    items.push((from, piece.len()));
    if items.len() < 3 {
        return None;
    }
    let words: Vec<usize> = items
        .iter()
        .map(|&(s, e)| {
            tokens(&piece[s..e])
                .iter()
                .filter(|t| !is_function_word(&t.norm))
                .count()
        })
        .collect();
    let short = words.iter().filter(|&&w| w <= 3).count();
    // Mostly items of three words or fewer: a list of keywords, not a sentence with commas.
    if short * 4 < items.len() * 3 {
        return None;
    }
    Some(
        items
            .into_iter()
            .map(|(s, e)| (start + s, start + e))
            .filter(|(s, e)| s < e)
            .collect(),
    )
}

/// The most words one unit holds: a longer run without a sentence end (a wall of text, or
/// hostile input) is read in pieces of this size, which keeps every phrase search short.
pub const MAX_UNIT_WORDS: usize = 120;

/// The units of `text`, in order.
pub fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    for (start, end) in sentence_spans(text) {
        let pieces = keyword_run(text, start, end);
        let fragment = pieces.is_some();
        for (s, e) in pieces.unwrap_or_else(|| vec![(start, end)]) {
            let toks: Vec<Token> = tokens(&text[s..e])
                .into_iter()
                .map(|t| Token {
                    norm: t.norm,
                    start: t.start + s,
                    end: t.end + s,
                })
                .collect();
            for piece in toks.chunks(MAX_UNIT_WORDS) {
                out.push(Unit {
                    start: piece[0].start,
                    end: piece[piece.len() - 1].end,
                    tokens: piece.to_vec(),
                    fragment,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        units(text)
            .iter()
            .map(|u| text[u.start..u.end].to_string())
            .collect()
    }

    #[test]
    fn sentences_and_list_items_are_units() {
        let text = "First I pin v1.2 of the model. Then, e.g. for 2.5% of traffic, a canary!\n- roll back\n1. page the owner";
        assert_eq!(
            texts(text),
            [
                "First I pin v1.2 of the model",
                "Then, e.g. for 2.5% of traffic, a canary",
                "roll back",
                "1. page the owner"
            ]
        );
    }

    #[test]
    fn a_run_of_keywords_is_cut_into_fragments() {
        let stuffed = "Monitor lag, check the job is running, alert on it, retrain, dashboards.";
        let u = units(stuffed);
        assert_eq!(u.len(), 5);
        assert!(u.iter().all(|u| u.fragment));
        // A sentence with a comma or two stays whole.
        let prose =
            "If the canary regresses, I roll back to the previous model, then look at lineage.";
        let u = units(prose);
        assert_eq!(u.len(), 1);
        assert!(!u[0].fragment);
    }

    #[test]
    fn nothing_odd_breaks_it() {
        assert!(units("").is_empty());
        assert!(units("...\n\n  ;;; ").is_empty());
        // A wall of words with no sentence end is read in pieces.
        let wall = units(&"word ".repeat(2000));
        assert_eq!(wall.len(), 2000_usize.div_ceil(MAX_UNIT_WORDS));
        assert!(wall.iter().all(|u| u.tokens.len() <= MAX_UNIT_WORDS));
        assert_eq!(units("🙂 fine. ünïcode ok").len(), 2);
    }
}
