//! Content packs: a set of scenarios as files in the `content/` format, exported as a zip and
//! imported into a team. What the import report and the packs page show. Pure.
use serde::{Deserialize, Serialize};

/// Most scenario files one pack may hold.
pub const MAX_PACK_FILES: usize = 200;
/// Largest upload accepted, in bytes (a pack of 200 scenarios zips to well under 1 MB).
pub const MAX_PACK_BYTES: usize = 4 * 1024 * 1024;
/// Largest single file inside a pack, uncompressed, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// One problem in one file of a pack: which file, where in it, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackProblem {
    /// the file's path inside the pack ("the upload" for problems with the pack as a whole)
    pub file: String,
    pub line: Option<usize>,
    /// the front-matter field or section the problem is in
    pub field: String,
    pub message: String,
}

/// What an import did (or would have done) with one scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// a new team scenario
    Created,
    /// a new version of the team's scenario with this slug
    NewVersion(i64),
    /// the team's scenario already says exactly this
    Unchanged,
    /// a built-in scenario that already says exactly this
    SameAsBuiltIn,
}

impl Outcome {
    pub fn label(&self) -> String {
        match self {
            Outcome::Created => "new scenario".into(),
            Outcome::NewVersion(v) => format!("new version {v}"),
            Outcome::Unchanged => "unchanged".into(),
            Outcome::SameAsBuiltIn => "unchanged (a built-in scenario)".into(),
        }
    }

    pub fn changes_something(&self) -> bool {
        matches!(self, Outcome::Created | Outcome::NewVersion(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileOutcome {
    pub file: String,
    pub slug: String,
    pub title: String,
    pub outcome: Outcome,
}

/// The report of one import, as stored and shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// the uploaded file names
    pub uploaded: Vec<String>,
    /// every scenario file found, with what happened to it (empty when refused)
    pub files: Vec<FileOutcome>,
    /// every problem found; any problem means nothing was changed
    pub problems: Vec<PackProblem>,
    /// files in the pack that are not scenarios (README, frameworks, ...), left alone
    pub ignored: Vec<String>,
}

impl ImportReport {
    pub fn applied(&self) -> bool {
        self.problems.is_empty()
    }

    /// How many files the problems are in.
    pub fn files_with_problems(&self) -> usize {
        let mut files: Vec<&str> = self.problems.iter().map(|p| p.file.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        files.len()
    }

    /// "2 new scenarios, 1 new version, 3 unchanged": what the import changed.
    pub fn summary(&self) -> String {
        if !self.applied() {
            return format!(
                "Refused: {} in {}. Nothing was changed.",
                plural(self.problems.len(), "problem", "problems"),
                plural(self.files_with_problems(), "file", "files"),
            );
        }
        let created = self
            .files
            .iter()
            .filter(|f| f.outcome == Outcome::Created)
            .count();
        let versions = self
            .files
            .iter()
            .filter(|f| matches!(f.outcome, Outcome::NewVersion(_)))
            .count();
        let same = self.files.len() - created - versions;
        if created + versions == 0 {
            return format!(
                "Nothing changed: {} already in the library exactly as in the pack.",
                plural(same, "scenario is", "scenarios are")
            );
        }
        format!(
            "Imported: {}, {}, {} unchanged.",
            plural(created, "new scenario", "new scenarios"),
            plural(versions, "new version", "new versions"),
            same
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One import in the recent list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub team: String,
    pub by: Option<String>,
    pub created_at: i64,
    pub applied: bool,
    pub summary: String,
}

/// A stored import with its report, for the report page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub team: String,
    pub by: Option<String>,
    pub created_at: i64,
    pub report: ImportReport,
}

/// A scenario that may go into a pack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackChoice {
    pub slug: String,
    pub title: String,
    /// None: built-in
    pub team: Option<String>,
    pub archived: bool,
}

/// The packs page: what the asker may export, the teams they may import into, recent imports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacksOverview {
    pub teams: Vec<(i64, String)>,
    pub choices: Vec<PackChoice>,
    pub recent: Vec<ImportSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(o: Outcome) -> FileOutcome {
        FileOutcome {
            file: "scenarios/a.md".into(),
            slug: "a".into(),
            title: "A".into(),
            outcome: o,
        }
    }

    #[test]
    fn a_refused_import_says_how_many_problems_in_how_many_files() {
        let p = |file: &str| PackProblem {
            file: file.into(),
            line: Some(3),
            field: "title".into(),
            message: "too short".into(),
        };
        let r = ImportReport {
            problems: vec![p("a.md"), p("a.md"), p("b.md")],
            ..Default::default()
        };
        assert!(!r.applied());
        assert_eq!(
            r.summary(),
            "Refused: 3 problems in 2 files. Nothing was changed."
        );
    }

    #[test]
    fn an_applied_import_counts_what_it_changed() {
        let r = ImportReport {
            files: vec![
                outcome(Outcome::Created),
                outcome(Outcome::NewVersion(3)),
                outcome(Outcome::Unchanged),
                outcome(Outcome::SameAsBuiltIn),
            ],
            ..Default::default()
        };
        assert_eq!(
            r.summary(),
            "Imported: 1 new scenario, 1 new version, 2 unchanged."
        );
        let again = ImportReport {
            files: vec![outcome(Outcome::Unchanged)],
            ..Default::default()
        };
        assert_eq!(
            again.summary(),
            "Nothing changed: 1 scenario is already in the library exactly as in the pack."
        );
    }
}
