//! Library search input: whatever a person types becomes a safe full-text query.
//!
//! FTS5 has its own query language (`"`, `*`, `NEAR(`, `-`, `AND`/`OR`/`NOT`, column filters);
//! passing raw input to `MATCH` turns typos into syntax errors. Here the input is reduced to its
//! words, and each word becomes a quoted prefix term, so the query can never be malformed.
use serde::{Deserialize, Serialize};

/// Longest search input accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words beyond this are ignored: more terms only narrow an AND query further.
pub const MAX_TERMS: usize = 12;

/// A validated search: the words that will be matched, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    /// `Ok(None)` for blank input (no search), an error message for input that cannot be searched.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let chars = raw.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(format!(
                "Search is limited to {MAX_QUERY_CHARS} characters; yours has {chars}. Try a few key words."
            ));
        }
        let terms: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_TERMS)
            .map(str::to_lowercase)
            .collect();
        if terms.is_empty() {
            return Err("Type at least one letter or digit to search.".to_string());
        }
        Ok(Some(Self { terms }))
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The PostgreSQL `to_tsquery` input: every word quoted and prefix-matched, all required
    /// (words hold letters and digits only, so quoting cannot be broken out of).
    pub fn to_tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| format!("'{t}':*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// The FTS5 expression: every word quoted and prefix-matched, all required.
    pub fn to_fts5(&self) -> String {
        self.terms
            .iter()
            .map(|t| format!("\"{t}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_input_is_no_search() {
        assert_eq!(SearchQuery::parse("   "), Ok(None));
    }

    #[test]
    fn words_become_quoted_prefix_terms() {
        let q = SearchQuery::parse("GPU pods").unwrap().unwrap();
        assert_eq!(q.to_fts5(), "\"gpu\"* \"pods\"*");
        assert_eq!(q.to_tsquery(), "'gpu':* & 'pods':*");
    }

    #[test]
    fn fts5_syntax_is_reduced_to_its_words() {
        for (raw, expected) in [
            ("\"unbalanced", "\"unbalanced\"*"),
            ("drift*", "\"drift\"*"),
            ("NEAR(drift labels)", "\"near\"* \"drift\"* \"labels\"*"),
            ("-latency", "\"latency\"*"),
            ("title:gpu OR cost", "\"title\"* \"gpu\"* \"or\"* \"cost\"*"),
        ] {
            assert_eq!(
                SearchQuery::parse(raw).unwrap().unwrap().to_fts5(),
                expected,
                "{raw}"
            );
        }
    }

    #[test]
    fn punctuation_only_input_says_what_to_type() {
        let err = SearchQuery::parse("\"*( -").unwrap_err();
        assert!(err.contains("letter or digit"));
    }

    #[test]
    fn too_long_input_is_refused_with_the_limit() {
        let err = SearchQuery::parse(&"a ".repeat(150)).unwrap_err();
        assert!(err.contains("200 characters"), "{err}");
    }

    #[test]
    fn extra_words_are_dropped_not_refused() {
        let q = SearchQuery::parse(&"word ".repeat(30)).unwrap().unwrap();
        assert_eq!(q.terms().len(), MAX_TERMS);
    }
}
