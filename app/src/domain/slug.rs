//! `Slug`: the URL-safe identity of scenarios, frameworks and key points.
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

pub const SLUG_MIN: usize = 3;
pub const SLUG_MAX: usize = 80;

impl Slug {
    /// Lowercase ASCII letters and digits in words joined by single hyphens, 3 to 80 characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let len = raw.chars().count();
        if !(SLUG_MIN..=SLUG_MAX).contains(&len) {
            return Err(format!(
                "must be {SLUG_MIN} to {SLUG_MAX} characters long, not {len}"
            ));
        }
        let valid_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(format!(
                "\"{raw}\" must be lowercase letters and digits in words joined by single hyphens"
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        assert_eq!(
            Slug::parse("gpu-pods-pending").unwrap().as_str(),
            "gpu-pods-pending"
        );
        assert!(Slug::parse("rag2").is_ok());
    }

    #[test]
    fn rejects_what_would_make_an_ugly_or_ambiguous_url() {
        for bad in [
            "GPU-pods",
            "gpu pods",
            "-gpu",
            "gpu-",
            "gpu--pods",
            "ab",
            "über-slug",
            "../etc",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(Slug::parse(&"a".repeat(81)).is_err());
    }
}
