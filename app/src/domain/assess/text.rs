//! Words as the assessor compares them: lowercased, British and American spellings made one,
//! and lightly stemmed so that "rolled back", "rolling back" and "roll back" agree while
//! "contained" and "container" stay apart (a full Porter stemmer merges them).
//!
//! Tokens keep their byte span in the original text, so evidence can be shown where it was
//! written.

/// A word of the text: its normalised form and where it stands in the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub norm: String,
    /// byte range in the original text
    pub start: usize,
    pub end: usize,
}

/// Words that carry no content of their own: never evidence, skipped when phrases are compared.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "into", "onto", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this",
    "that", "these", "those", "there", "their", "them", "they", "we", "our", "us", "you", "your",
    "i", "me", "my", "he", "she", "his", "her", "so", "then", "than", "just", "also", "very",
    "any", "some", "all", "each", "every", "which", "who", "whom", "what", "when", "where", "how",
    "why", "if", "do", "does", "did", "have", "has", "had", "will", "would", "should", "could",
    "can", "may", "might", "must", "shall", "up", "out", "about", "over", "after", "before",
    "first", "again", "too", "s", "t", "d", "ll", "re", "ve", "m", "etc", "eg", "ie", "via", "per",
    "one", "two", "get", "got",
];

/// Is `norm` (a normalised token) a function word.
pub fn is_function_word(norm: &str) -> bool {
    FUNCTION_WORDS.contains(&norm)
}

/// Whole-word British spellings and their American form (suffix rules below catch the rest).
const SPELLINGS: &[(&str, &str)] = &[
    ("behaviour", "behavior"),
    ("behaviours", "behaviors"),
    ("colour", "color"),
    ("favour", "favor"),
    ("labour", "labor"),
    ("honour", "honor"),
    ("neighbour", "neighbor"),
    ("flavour", "flavor"),
    ("rumour", "rumor"),
    ("centre", "center"),
    ("centres", "centers"),
    ("metre", "meter"),
    ("litre", "liter"),
    ("fibre", "fiber"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("analogue", "analog"),
    ("programme", "program"),
    ("programmes", "programs"),
    ("defence", "defense"),
    ("licence", "license"),
    ("offence", "offense"),
    ("grey", "gray"),
    ("judgement", "judgment"),
    ("artefact", "artifact"),
    ("artefacts", "artifacts"),
    ("cheque", "check"),
    ("tyre", "tire"),
    ("aeroplane", "airplane"),
    ("whilst", "while"),
    ("amongst", "among"),
];

/// One spelling for both sides of the Atlantic: -ise/-isation as -ize/-ization, -yse as -yze,
/// the doubled l of "modelled" and "labelling" as single, and a list of whole words.
fn american(word: &str) -> String {
    if let Some((_, us)) = SPELLINGS.iter().find(|(gb, _)| *gb == word) {
        return (*us).to_string();
    }
    const SUFFIXES: &[(&str, &str)] = &[
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("iser", "izer"),
        ("isers", "izers"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("ysing", "yzing"),
        ("ysed", "yzed"),
        ("yses", "yzes"),
        ("yse", "yze"),
    ];
    // Words that end in -ise in American English too: leave them alone.
    const REAL_ISE: &[&str] = &[
        "rise",
        "raise",
        "wise",
        "noise",
        "poise",
        "praise",
        "promise",
        "precise",
        "concise",
        "premise",
        "exercise",
        "enterprise",
        "expertise",
        "otherwise",
        "likewise",
        "surprise",
        "disguise",
        "compromise",
        "advertise",
        "franchise",
        "merchandise",
        "televise",
        "supervise",
        "revise",
        "devise",
        "advise",
        "despise",
        "improvise",
        "cruise",
        "bruise",
        "guise",
        "arise",
        "clockwise",
        "demise",
        "paradise",
        "treatise",
        "anise",
        "chemise",
        "incise",
        "excise",
        "chastise",
        "reprise",
        "comprise",
        "circumcise",
        "ise",
    ];
    let base = |w: &str| {
        for suffix in ["s", "d", "r", "rs", ""] {
            if let Some(stem) = w.strip_suffix(suffix) {
                if REAL_ISE.contains(&stem) {
                    return true;
                }
            }
        }
        let stem = w.strip_suffix("ing").map(|s| format!("{s}e"));
        stem.is_some_and(|s| REAL_ISE.contains(&s.as_str()))
    };
    if base(word) {
        return word.to_string();
    }
    for (gb, us) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(gb) {
            if stem.len() >= 2 {
                return format!("{stem}{us}");
            }
        }
    }
    // British doubles the l of these before -ed, -ing, -er ("modelled"); a list, because
    // "tell", "install" and "stall" double it everywhere.
    const SINGLE_L: &[&str] = &[
        "model", "label", "cancel", "travel", "signal", "level", "channel", "fuel", "funnel",
        "tunnel", "marshal", "total", "counsel", "panel", "shovel", "rival", "dial", "trial",
    ];
    for ending in ["led", "ling", "ler", "lers"] {
        if let Some(stem) = word.strip_suffix(ending) {
            if SINGLE_L.contains(&stem) {
                return format!("{stem}{}", &ending[1..]);
            }
        }
    }
    word.to_string()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Light English stemming: plurals, -ed, -ing, -ly and a final -e. Deliberately weaker than
/// Porter: -er, -ment and -ion stay, so "container" is not "contained".
fn stem(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w.to_string();
    }
    let mut s = if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 3) {
        format!("{stem}y")
    } else if let Some(stem) = w
        .strip_suffix("es")
        .filter(|s| s.ends_with(['s', 'x', 'z']) || s.ends_with("ch") || s.ends_with("sh"))
    {
        stem.to_string()
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    };
    let mut verb_suffix = false;
    for suffix in ["ing", "ed"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if stem.len() >= 3 && stem.bytes().any(is_vowel) {
                s = stem.to_string();
                verb_suffix = true;
                break;
            }
        }
    }
    if !verb_suffix {
        if let Some(stem) = s.strip_suffix("ly").filter(|s| s.len() >= 4) {
            s = stem.to_string();
        }
    }
    // pinned -> pinn -> pin; but roll, pass, buzz keep their pair
    let b = s.as_bytes();
    if verb_suffix && b.len() >= 4 {
        let (x, y) = (b[b.len() - 2], b[b.len() - 1]);
        if x == y && matches!(y, b'b' | b'd' | b'g' | b'm' | b'n' | b'p' | b'r' | b't') {
            s.pop();
        }
    }
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}

/// The normalised form of one word.
pub fn normalise(word: &str) -> String {
    let lower = word.to_lowercase();
    stem(&american(&lower))
}

/// The words of `text`, normalised, with their spans. Letters and digits make words; a
/// hyphen, dot or slash splits them ("known-good" is two words, "p99" one).
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word_char = c.is_alphanumeric() || c == '\'' || c == '’';
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_word(text, s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push_word(text, s, text.len(), &mut out);
    }
    out
}

fn push_word(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let raw = &text[start..end];
    // Contractions: "wouldn't" -> "would" + "not"; "it's" -> "it"; apostrophes elsewhere vanish.
    let cleaned: String = raw.replace('’', "'");
    let (word, tail) = match cleaned.to_lowercase() {
        w if w.ends_with("n't") => {
            let base = match &w[..w.len() - 3] {
                "wo" => "will".to_string(),
                "ca" => "can".to_string(),
                "sha" => "shall".to_string(),
                other => other.to_string(),
            };
            (base, Some("not"))
        }
        w => match w.split_once('\'') {
            Some((head, _)) => (head.to_string(), None),
            None => (w, None),
        },
    };
    let word = word.trim_matches('\'');
    if !word.is_empty() {
        out.push(Token {
            norm: normalise(word),
            start,
            end,
        });
    }
    if let Some(t) = tail {
        out.push(Token {
            norm: t.to_string(),
            start,
            end,
        });
    }
}

/// The content words of a phrase (function words dropped), normalised.
pub fn content_words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .map(|t| t.norm)
        .filter(|w| !is_function_word(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn verb_forms_meet_at_one_stem() {
        for w in ["roll", "rolled", "rolling", "rolls"] {
            assert_eq!(normalise(w), "roll", "{w}");
        }
        for w in ["pin", "pinned", "pinning", "pins"] {
            assert_eq!(normalise(w), "pin", "{w}");
        }
        for w in ["cache", "cached", "caching", "caches"] {
            assert_eq!(normalise(w), "cach", "{w}");
        }
        assert_eq!(normalise("replays"), normalise("replayed"));
        assert_eq!(normalise("dependencies"), normalise("dependency"));
    }

    #[test]
    fn british_and_american_spellings_agree() {
        for (gb, us) in [
            ("utilisation", "utilization"),
            ("quantisation", "quantization"),
            ("quantised", "quantized"),
            ("prioritise", "prioritize"),
            ("normalising", "normalizing"),
            ("analyse", "analyze"),
            ("behaviour", "behavior"),
            ("modelling", "modeling"),
            ("labelled", "labeled"),
            ("artefact", "artifact"),
        ] {
            assert_eq!(normalise(gb), normalise(us), "{gb} / {us}");
        }
        // words that end in -ise on both sides stay what they are
        assert_ne!(normalise("raise"), normalise("raize"));
        assert_eq!(normalise("promise"), "promis");
        assert_eq!(normalise("noise"), "nois");
    }

    #[test]
    fn stems_that_porter_merges_stay_apart() {
        assert_ne!(normalise("contained"), normalise("container"));
        assert_ne!(normalise("deployment"), normalise("deployed"));
        assert_ne!(normalise("need"), "ne");
        assert_eq!(normalise("telling"), normalise("tell"));
        assert_eq!(normalise("installed"), normalise("install"));
    }

    #[test]
    fn contractions_keep_their_negation() {
        assert_eq!(
            norms("I wouldn't roll back"),
            ["i", "would", "not", "roll", "back"]
        );
        assert_eq!(norms("we can’t"), ["we", "can", "not"]);
        assert_eq!(norms("it's fine"), ["it", "fin"]);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "Roll back to v12, then re-run.";
        let t = tokens(text);
        assert_eq!(&text[t[0].start..t[0].end], "Roll");
        assert_eq!(&text[t[3].start..t[3].end], "v12");
        assert_eq!(t.last().map(|t| t.norm.as_str()), Some("run"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        assert!(tokens("").is_empty());
        assert!(tokens("🙂🙂 —– !!").is_empty());
        let long = "x".repeat(5000);
        assert_eq!(tokens(&long).len(), 1);
        assert_eq!(norms("Überprüfung ÄNDERN"), ["überprüfung", "ändern"]);
        assert_eq!(norms("'''"), Vec::<String>::new());
    }
}
