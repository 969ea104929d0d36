//! Reading `content/` from disk into validated records.
use super::parse::{parse_framework, parse_rubric, parse_scenario};
use crate::domain::library::{Recommendation, RecommendationRule, RubricDimension};
pub use crate::domain::scenario_file::{FollowUpDef, KeyPointDef, ScenarioFile};
use crate::domain::slug::Slug;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one content file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ContentError {
    pub fn new(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Every problem found in `content/`, so an author can fix them all in one go.
#[derive(Debug, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in the content files:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameworkFile {
    pub path: String,
    pub hash: String,
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub order: i64,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RubricFile {
    pub path: String,
    pub hash: String,
    pub name: String,
    pub description: String,
    pub dimensions: Vec<RubricDimension>,
    pub recommendations: Vec<Recommendation>,
    pub rule: Option<RecommendationRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentSet {
    pub scenarios: Vec<ScenarioFile>,
    pub frameworks: Vec<FrameworkFile>,
    pub rubric: RubricFile,
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The Markdown files of `dir`, sorted by name; a missing folder is an error.
fn markdown_files(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect();
            files.sort();
            files
        }
        Err(e) => {
            errors.push(ContentError::new(
                &dir.display().to_string(),
                None,
                format!("cannot read folder: {e}"),
            ));
            Vec::new()
        }
    }
}

fn read(path: &Path, errors: &mut Vec<ContentError>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) => {
            errors.push(ContentError::new(
                &path.display().to_string(),
                None,
                format!("cannot read file: {e}"),
            ));
            None
        }
    }
}

/// Read and validate everything under `dir`. Either every file is valid, or nothing is returned
/// but the full list of problems.
pub fn load(dir: &Path) -> Result<ContentSet, ContentErrors> {
    let mut errors = Vec::new();

    let mut scenarios: Vec<ScenarioFile> = Vec::new();
    let mut slugs: HashMap<Slug, String> = HashMap::new();
    for path in markdown_files(&dir.join("scenarios"), &mut errors) {
        let shown = path.display().to_string();
        let Some(text) = read(&path, &mut errors) else {
            continue;
        };
        match parse_scenario(&shown, &text) {
            Ok(s) => match slugs.get(&s.slug) {
                Some(first) => errors.push(ContentError::new(
                    &shown,
                    Some(2),
                    format!("duplicate slug \"{}\": {first} already uses it", s.slug),
                )),
                None => {
                    slugs.insert(s.slug.clone(), shown);
                    scenarios.push(s);
                }
            },
            Err(mut e) => errors.append(&mut e),
        }
    }

    let mut frameworks: Vec<FrameworkFile> = Vec::new();
    for path in markdown_files(&dir.join("frameworks"), &mut errors) {
        let shown = path.display().to_string();
        let Some(text) = read(&path, &mut errors) else {
            continue;
        };
        match parse_framework(&shown, &text) {
            Ok(f) => {
                if let Some(other) = frameworks.iter().find(|o| o.slug == f.slug) {
                    errors.push(ContentError::new(
                        &shown,
                        Some(2),
                        format!(
                            "duplicate slug \"{}\": {} already uses it",
                            f.slug, other.path
                        ),
                    ));
                } else if let Some(other) = frameworks.iter().find(|o| o.order == f.order) {
                    errors.push(ContentError::new(
                        &shown,
                        None,
                        format!("field `order`: {} is also used by {}", f.order, other.path),
                    ));
                } else {
                    frameworks.push(f);
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    frameworks.sort_by_key(|f| f.order);

    let rubric_path = dir.join("rubric.toml");
    let rubric = read(&rubric_path, &mut errors).and_then(|text| {
        parse_rubric(&rubric_path.display().to_string(), &text)
            .map_err(|mut e| errors.append(&mut e))
            .ok()
    });

    match rubric {
        Some(rubric) if errors.is_empty() => Ok(ContentSet {
            scenarios,
            frameworks,
            rubric,
        }),
        _ => Err(ContentErrors(errors)),
    }
}
