//! Scenario authoring: the editor's form as one value, its composition into the content file
//! format (the one format scenarios have, whether they come from `content/` or the browser),
//! and line diffs between versions. Pure.
use super::library::SectionKind;
use super::taxonomy::{Level, Topic};
use serde::{Deserialize, Serialize};

/// What the editor holds: every field as typed. Key points are one per line,
/// `id | label | synonym, synonym`; follow-ups one per line, optionally ending
/// `[probes: id, id]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub topics: Vec<Topic>,
    pub level: String,
    pub prompt: String,
    /// the seven answer-key sections in `SectionKind::ALL` order
    pub sections: Vec<(SectionKind, String)>,
    pub key_points: String,
    pub follow_ups: String,
    /// rubric dimension keys the scenario does not exercise
    pub not_applicable: Vec<String>,
    /// "tool version, tool version": what its commands were checked against
    pub checked_with: String,
}

/// "kubectl 1.31, mlflow 2.19" as (tool, version) pairs, or what is wrong with it.
pub fn parse_checked_with(line: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once(char::is_whitespace) {
            Some((tool, version)) if !version.trim().is_empty() => {
                out.push((tool.to_lowercase(), version.trim().to_string()))
            }
            _ => {
                return Err(format!(
                    "\"{part}\": write each as a tool and its version, e.g. \"kubectl 1.31\""
                ))
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The editor's line for (tool, version) pairs.
pub fn checked_with_text(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(t, v)| format!("{t} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The form field of each section, as the editor names it.
pub fn section_field(kind: SectionKind) -> String {
    format!("sections[{}]", kind.key())
}

/// A key point line split into (id, label, synonyms), or what is wrong with it.
pub fn parse_key_point(line: &str) -> Result<(String, String, Vec<String>), String> {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    match parts.as_slice() {
        [id, label, synonyms] if !id.is_empty() && !label.is_empty() => Ok((
            id.to_string(),
            label.to_string(),
            synonyms
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        )),
        _ => Err("write each key point as `id | label | synonym, synonym`".into()),
    }
}

/// Lines of a multi-line field that say something.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// One line of a diff between two versions' files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffLine {
    Same(String),
    Added(String),
    Removed(String),
    /// unchanged lines left out, with how many
    Skipped(usize),
}

/// A version as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i64,
    pub created_at: i64,
    /// who saved it; None: the content file (built-in)
    pub author: Option<String>,
    pub title: String,
}

/// The history page: every version, and the diff asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub slug: String,
    pub title: String,
    pub team: Option<String>,
    pub can_edit: bool,
    pub archived: bool,
    /// newest first
    pub versions: Vec<VersionInfo>,
    /// (from, to, lines) when two versions were compared
    pub diff: Option<(i64, i64, Vec<DiffLine>)>,
}

/// A scenario an author may work on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredRow {
    pub slug: String,
    pub title: String,
    pub team: String,
    pub version: i64,
    pub updated_at: i64,
    pub archived: bool,
    pub forked_from: Option<String>,
}

/// The authoring page: the teams the asker may author for, their scenarios, and the built-ins
/// they may fork.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorOverview {
    /// (team id, name)
    pub teams: Vec<(i64, String)>,
    pub scenarios: Vec<AuthoredRow>,
    /// (slug, title) of built-in scenarios
    pub builtins: Vec<(String, String)>,
}

/// The editor: the draft to show, where it goes, and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editor {
    pub draft: Draft,
    /// (team id, name) the scenario belongs or will belong to
    pub teams: Vec<(i64, String)>,
    pub team_id: Option<i64>,
    /// editing an existing team scenario (its slug is fixed); else creating or forking
    pub existing: bool,
    pub forked_from: Option<String>,
    pub version: Option<i64>,
    /// the server's rendering of each Markdown field as loaded: (field name, html)
    pub previews: Vec<(String, String)>,
    /// the current rubric's dimensions, (key, name), for the not-applicable choice
    pub dimensions: Vec<(String, String)>,
}

/// The levels an author can pick, with their keys.
pub fn level_choices() -> [Level; 3] {
    Level::ALL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_versions_read_as_pairs_and_back() {
        let pairs = parse_checked_with("MLflow 2.19,  kubectl 1.31 ,").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("kubectl".to_string(), "1.31".to_string()),
                ("mlflow".to_string(), "2.19".to_string())
            ]
        );
        assert_eq!(checked_with_text(&pairs), "kubectl 1.31, mlflow 2.19");
        assert!(parse_checked_with("kubectl")
            .unwrap_err()
            .contains("kubectl 1.31"));
        assert_eq!(parse_checked_with("").unwrap(), vec![]);
    }
}
