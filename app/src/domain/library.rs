//! What the library pages show: scenarios, frameworks and the rubric, as sent to the views.
use super::taxonomy::{Level, Topic};
use serde::{Deserialize, Serialize};

/// The parts of a scenario's answer key, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    StrongAnswer,
    FirstInspect,
    Commands,
    Metrics,
    RootCauses,
    Mitigations,
    Prevention,
    /// An answer, as a candidate would give it, that scores mostly 2.
    ExampleLevel2,
    /// An answer, as a candidate would give it, that scores mostly 4.
    ExampleLevel4,
}

impl SectionKind {
    /// Every section after the prompt, in file order (the follow-ups sit between the answer
    /// key and the examples).
    pub const ALL: [SectionKind; 9] = [
        SectionKind::StrongAnswer,
        SectionKind::FirstInspect,
        SectionKind::Commands,
        SectionKind::Metrics,
        SectionKind::RootCauses,
        SectionKind::Mitigations,
        SectionKind::Prevention,
        SectionKind::ExampleLevel2,
        SectionKind::ExampleLevel4,
    ];

    /// The answer key: the sections every scenario has.
    pub const ANSWER_KEY: [SectionKind; 7] = [
        SectionKind::StrongAnswer,
        SectionKind::FirstInspect,
        SectionKind::Commands,
        SectionKind::Metrics,
        SectionKind::RootCauses,
        SectionKind::Mitigations,
        SectionKind::Prevention,
    ];

    /// The example answers, optional for a team's scenario, required in `content/`.
    pub const EXAMPLES: [SectionKind; 2] = [SectionKind::ExampleLevel2, SectionKind::ExampleLevel4];

    pub fn is_example(self) -> bool {
        Self::EXAMPLES.contains(&self)
    }

    pub fn key(self) -> &'static str {
        match self {
            SectionKind::StrongAnswer => "strong-answer",
            SectionKind::FirstInspect => "first-inspect",
            SectionKind::Commands => "commands",
            SectionKind::Metrics => "metrics",
            SectionKind::RootCauses => "root-causes",
            SectionKind::Mitigations => "mitigations",
            SectionKind::Prevention => "prevention",
            SectionKind::ExampleLevel2 => "example-2",
            SectionKind::ExampleLevel4 => "example-4",
        }
    }

    /// The heading, as written in content files and shown on the page.
    pub fn heading(self) -> &'static str {
        match self {
            SectionKind::StrongAnswer => "What a strong answer covers",
            SectionKind::FirstInspect => "First things to inspect",
            SectionKind::Commands => "Commands and checks",
            SectionKind::Metrics => "Metrics",
            SectionKind::RootCauses => "Likely root causes",
            SectionKind::Mitigations => "Mitigations",
            SectionKind::Prevention => "Prevention",
            SectionKind::ExampleLevel2 => "Example answer at level 2",
            SectionKind::ExampleLevel4 => "Example answer at level 4",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// The library's filters, as read from the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryFilter {
    pub q: String,
    pub topic: Option<Topic>,
    pub level: Option<Level>,
}

/// One scenario in the library list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub topics: Vec<Topic>,
    pub level: Level,
    /// For a search: a short excerpt of the best-matching text, split so that the odd-numbered
    /// parts are the matched words (rendered as `<mark>` without any HTML in the data).
    pub excerpt: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryResults {
    pub cards: Vec<ScenarioCard>,
    /// Scenarios in the whole (unarchived) library, to say "3 of 12".
    pub total: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    /// Sanitised HTML, rendered once at content sync.
    pub html: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPoint {
    pub key: String,
    pub label: String,
    pub synonyms: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub html: String,
    /// Keys of the key points this question probes.
    pub probes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioDetail {
    pub slug: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub topics: Vec<Topic>,
    pub level: Level,
    pub prompt_html: String,
    pub sections: Vec<Section>,
    pub key_points: Vec<KeyPoint>,
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub html: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricDimension {
    pub key: String,
    pub name: String,
    pub description: String,
    /// Behavioural descriptions of a 1, 2, 3 and 4 answer, in that order.
    pub levels: [String; 4],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub key: String,
    pub label: String,
    pub description: String,
}

/// How dimension scores combine into the recommendation: the words shown to the people who
/// choose it, and the bar (mean score over the dimensions that apply) a "yes" needs at each
/// target level, in hundredths (2.75 is 275).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationRule {
    pub text: String,
    pub bars: Vec<(Level, u16)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub version: i64,
    pub name: String,
    pub description: String,
    pub dimensions: Vec<RubricDimension>,
    pub recommendations: Vec<Recommendation>,
}

/// Counts for the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryStats {
    pub scenarios: i64,
    pub frameworks: i64,
    pub per_topic: Vec<(Topic, i64)>,
}
