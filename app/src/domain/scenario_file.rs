//! A scenario as its Markdown file states it: what the content loader and the pack importer
//! parse, the editor edits and the database stores and gives back. Plain data, so that the
//! database layer needs nothing from the content or authoring modules.
use crate::domain::library::SectionKind;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Level, Topic};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPointDef {
    pub key: Slug,
    pub label: String,
    pub synonyms: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpDef {
    pub markdown: String,
    pub probes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioFile {
    pub path: String,
    pub hash: String,
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub topics: Vec<Topic>,
    pub level: Level,
    /// Rubric dimension keys the drill gives no chance to show; None when the file does not
    /// say (a team's scenario may leave it out; `content/` may not).
    pub not_applicable: Option<Vec<String>>,
    /// (tool, version) the commands were checked against, sorted by tool.
    pub checked_with: Vec<(String, String)>,
    pub prompt: String,
    /// Every answer-key section, and the example answers when written, in [`SectionKind::ALL`]
    /// order.
    pub sections: Vec<(SectionKind, String)>,
    pub key_points: Vec<KeyPointDef>,
    pub follow_ups: Vec<FollowUpDef>,
}
