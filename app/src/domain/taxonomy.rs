//! The fixed vocabularies of the library: topics and levels.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    Serving,
    Training,
    DataFeatures,
    Llmops,
    CostCapacity,
    PlatformRelease,
}

impl Topic {
    pub const ALL: [Topic; 6] = [
        Topic::Serving,
        Topic::Training,
        Topic::DataFeatures,
        Topic::Llmops,
        Topic::CostCapacity,
        Topic::PlatformRelease,
    ];

    /// The key used in content files, URLs and the database.
    pub fn key(self) -> &'static str {
        match self {
            Topic::Serving => "serving",
            Topic::Training => "training",
            Topic::DataFeatures => "data-features",
            Topic::Llmops => "llmops",
            Topic::CostCapacity => "cost-capacity",
            Topic::PlatformRelease => "platform-release",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Topic::Serving => "Serving",
            Topic::Training => "Training",
            Topic::DataFeatures => "Data & features",
            Topic::Llmops => "LLMOps",
            Topic::CostCapacity => "Cost & capacity",
            Topic::PlatformRelease => "Platform & release",
        }
    }

    pub fn parse(key: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.key() == key)
            .ok_or_else(|| unknown("topic", key, Self::ALL.map(Self::key).as_slice()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Mid,
    Senior,
    Staff,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Mid, Level::Senior, Level::Staff];

    pub fn key(self) -> &'static str {
        match self {
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Mid => "Mid-level",
            Level::Senior => "Senior",
            Level::Staff => "Staff",
        }
    }

    pub fn parse(key: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|l| l.key() == key)
            .ok_or_else(|| unknown("level", key, Self::ALL.map(Self::key).as_slice()))
    }
}

fn unknown(what: &str, got: &str, allowed: &[&str]) -> String {
    format!(
        "unknown {what} \"{got}\"; expected one of: {}",
        allowed.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_round_trips_through_its_key() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.key()), Ok(t));
        }
        for l in Level::ALL {
            assert_eq!(Level::parse(l.key()), Ok(l));
        }
    }

    #[test]
    fn an_unknown_topic_names_the_allowed_ones() {
        let err = Topic::parse("kubernetes").unwrap_err();
        assert!(err.contains("\"kubernetes\""));
        assert!(err.contains("data-features"));
    }
}
