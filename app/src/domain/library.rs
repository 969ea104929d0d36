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
    /// rubric dimensions this drill gives no chance to show: left out of every scoring form
    pub not_applicable: Vec<String>,
    /// (tool, version) the commands were checked against
    pub checked_with: Vec<(String, String)>,
    /// the answer key, then the example answers when the drill has them
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
/// choose it (Markdown), and the bar (mean score over the dimensions that apply) a "yes" needs
/// at each target level, in hundredths (2.75 is 275).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationRule {
    pub text: String,
    pub bars: Vec<(Level, u16)>,
}

/// The recommendation keys, worst to best, that the rule chooses between.
pub const RECOMMENDATION_KEYS: [&str; 4] = ["strong-no", "no", "yes", "strong-yes"];

/// What the rule suggests for these dimension scores (the dimensions that apply) against a
/// "yes" bar (hundredths of a mean score), as a key of [`RECOMMENDATION_KEYS`]:
/// strong yes at `mean >= bar + 0.5` with nothing below 3; yes at `mean >= bar` with no 1;
/// no at `mean >= bar - 0.75`; strong no below that, or with two or more 1s. None without
/// scores.
pub fn suggested_recommendation(scores: &[u8], bar: u16) -> Option<&'static str> {
    if scores.is_empty() {
        return None;
    }
    // Compared as whole numbers (sum x 100 against bar x n), so 2.75 is exactly 2.75.
    let sum: i64 = scores.iter().map(|&s| i64::from(s) * 100).sum();
    let n = scores.len() as i64;
    let at_least = |hundredths: i64| sum >= hundredths * n;
    let ones = scores.iter().filter(|&&s| s == 1).count();
    let lowest = scores.iter().copied().min().unwrap_or(1);
    let bar = i64::from(bar);
    Some(if ones >= 2 {
        "strong-no"
    } else if at_least(bar + 50) && lowest >= 3 {
        "strong-yes"
    } else if at_least(bar) && ones == 0 {
        "yes"
    } else if at_least(bar - 75) {
        "no"
    } else {
        "strong-no"
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub version: i64,
    pub name: String,
    pub description: String,
    pub dimensions: Vec<RubricDimension>,
    pub recommendations: Vec<Recommendation>,
    /// the recommendation rule in words (sanitised HTML); empty for an older rubric
    pub rule_html: String,
    /// the "yes" bar per target level, in hundredths of a mean score
    pub bars: Vec<(Level, u16)>,
}

impl Rubric {
    /// The dimensions a drill exercises: the rubric's, less those it declares not applicable.
    /// Every scoring form shows these and only these.
    pub fn applicable(&self, not_applicable: &[String]) -> Vec<RubricDimension> {
        self.dimensions
            .iter()
            .filter(|d| !not_applicable.contains(&d.key))
            .cloned()
            .collect()
    }

    /// The "yes" bar at `level`, if the rubric has a rule.
    pub fn bar(&self, level: Level) -> Option<u16> {
        self.bars.iter().find(|(l, _)| *l == level).map(|(_, b)| *b)
    }
}

#[cfg(test)]
mod rule_tests {
    use super::suggested_recommendation as rule;

    #[test]
    fn the_rule_combines_scores_as_the_rubric_says() {
        let senior = 275;
        assert_eq!(rule(&[3, 3, 3, 2], senior), Some("yes"));
        assert_eq!(rule(&[3, 3, 2, 2], senior), Some("no"), "2.5 is under 2.75");
        assert_eq!(
            rule(&[4, 3, 3, 3], senior),
            Some("strong-yes"),
            "3.25 = 2.75 + 0.5, none below 3"
        );
        assert_eq!(
            rule(&[4, 4, 4, 2], senior),
            Some("yes"),
            "a 2 keeps it from strong yes"
        );
        assert_eq!(
            rule(&[4, 4, 4, 1], senior),
            Some("no"),
            "a 1 keeps it from yes"
        );
        assert_eq!(rule(&[4, 4, 1, 1], senior), Some("strong-no"), "two 1s");
        assert_eq!(
            rule(&[3, 2, 2, 2], senior),
            Some("no"),
            "2.25 is within 0.75 of the bar"
        );
        assert_eq!(
            rule(&[2, 2, 2, 1], senior),
            Some("strong-no"),
            "1.75 is not"
        );
        assert_eq!(rule(&[2, 1, 2, 1], senior), Some("strong-no"));
        // The same answer at a higher bar.
        assert_eq!(rule(&[3, 3, 3, 3], 325), Some("no"));
        assert_eq!(rule(&[], senior), None);
    }
}

/// Counts for the home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryStats {
    pub scenarios: i64,
    pub frameworks: i64,
    pub per_topic: Vec<(Topic, i64)>,
}
