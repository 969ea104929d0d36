//! Parsing one content file into a validated record. Pure: text in, record or problems out.
use super::files::{
    sha256_hex, ContentError, FollowUpDef, FrameworkFile, KeyPointDef, RubricFile, ScenarioFile,
};
use crate::domain::library::{Recommendation, RecommendationRule, RubricDimension, SectionKind};
use crate::domain::packs::MAX_FILE_BYTES;
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Level, Topic};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

mod others;
pub use others::{parse_framework, parse_rubric};

const PROMPT: &str = "Prompt";
const FOLLOW_UPS: &str = "Follow-up questions";
/// Synonyms a key point may list.
const MAX_SYNONYMS: usize = 16;
/// Longest prompt and longest other section, in characters: far above any real drill (the
/// longest built-in section is under 4,000), low enough that no save, import or diff of a
/// scenario is ever a large piece of work.
const MAX_PROMPT_CHARS: usize = 4_000;
const MAX_SECTION_CHARS: usize = 30_000;
/// Most follow-up questions, and the longest one.
const MAX_FOLLOW_UPS: usize = 30;
const MAX_FOLLOW_UP_CHARS: usize = 1_000;

/// A content file split at its `+++` front matter.
struct Document<'a> {
    front: &'a str,
    body: &'a str,
    /// Line number of the body's first line.
    body_line: usize,
}

/// The front matter starts on line 2, after the opening `+++`.
const FRONT_LINE: usize = 2;

fn split_front_matter<'a>(path: &str, text: &'a str) -> Result<Document<'a>, ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return Err(ContentError::new(
            path,
            Some(1),
            "must start with a `+++` line that opens the TOML front matter",
        ));
    }
    let start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            return Ok(Document {
                front: &text[start..offset],
                body: &text[offset + line.len()..],
                body_line: i + FRONT_LINE + 1,
            });
        }
        offset += line.len();
    }
    Err(ContentError::new(
        path,
        Some(1),
        "the front matter opened on line 1 is never closed by a `+++` line",
    ))
}

fn toml_error(path: &str, first_line: usize, src: &str, e: &toml::de::Error) -> ContentError {
    let line = e
        .span()
        .map(|s| first_line + src[..s.start.min(src.len())].matches('\n').count());
    ContentError::new(path, line, format!("invalid TOML: {}", e.message().trim()))
}

/// Collects problems of one file, placing each on the line where its field is written.
struct Problems<'a> {
    path: &'a str,
    src: &'a str,
    first_line: usize,
    list: Vec<ContentError>,
}

impl<'a> Problems<'a> {
    fn new(path: &'a str, src: &'a str, first_line: usize) -> Self {
        Self {
            path,
            src,
            first_line,
            list: Vec::new(),
        }
    }

    /// Line of the first `needle` that starts a line (after indentation), searching from `after`.
    fn line_of(&self, needle: &str, after: usize) -> Option<usize> {
        self.src
            .lines()
            .enumerate()
            .skip(after.saturating_sub(self.first_line))
            .find(|(_, l)| l.trim_start().starts_with(needle))
            .map(|(i, _)| i + self.first_line)
    }

    fn at(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.list.push(ContentError::new(self.path, line, message));
    }

    fn field(&mut self, field: &str, message: impl std::fmt::Display) {
        let line = self
            .line_of(&format!("{field} "), 0)
            .or_else(|| self.line_of(field, 0));
        self.at(line, format!("field `{field}`: {message}"));
    }

    fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let value = value.trim();
        let len = value.chars().count();
        if !(min..=max).contains(&len) {
            self.field(
                field,
                format!("must be {min} to {max} characters long, not {len}"),
            );
        }
        value.to_string()
    }

    fn slug(&mut self, field: &str, value: &str) -> Option<Slug> {
        Slug::parse(value).map_err(|e| self.field(field, e)).ok()
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<ContentError>> {
        match value {
            Some(v) if self.list.is_empty() => Ok(v),
            _ => Err(self.list),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFront {
    slug: String,
    title: String,
    summary: String,
    topics: Vec<String>,
    level: String,
    #[serde(default)]
    not_applicable: Option<Vec<String>>,
    #[serde(default)]
    checked_with: Option<BTreeMap<String, String>>,
    #[serde(default)]
    key_points: Vec<KeyPointFront>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyPointFront {
    id: String,
    label: String,
    synonyms: Vec<String>,
}

/// A `## ` section of a Markdown body.
struct RawSection<'a> {
    heading: &'a str,
    line: usize,
    content: String,
}

/// Split a body at its `## ` headings (ignoring any inside fenced code blocks).
fn split_sections<'a>(doc: &Document<'a>, problems: &mut Problems) -> Vec<RawSection<'a>> {
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    let mut in_fence = false;
    for (i, line) in doc.body.lines().enumerate() {
        let number = doc.body_line + i;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(heading) = line.strip_prefix("## ") {
                sections.push(RawSection {
                    heading: heading.trim(),
                    line: number,
                    content: String::new(),
                });
                continue;
            }
        }
        match sections.last_mut() {
            Some(section) => {
                section.content.push_str(line);
                section.content.push('\n');
            }
            None if !line.trim().is_empty() => {
                problems.at(Some(number), "text before the first `## ` section heading");
            }
            None => {}
        }
    }
    sections
}

fn expected_headings() -> String {
    std::iter::once(PROMPT)
        .chain(SectionKind::ANSWER_KEY.map(SectionKind::heading))
        .chain(std::iter::once(FOLLOW_UPS))
        .chain(SectionKind::EXAMPLES.map(SectionKind::heading))
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parse the follow-up list: one `- ` item per question, optionally ending in `[probes: id, id]`.
fn parse_follow_ups(
    section: &RawSection,
    key_ids: &HashSet<&str>,
    problems: &mut Problems,
) -> Vec<FollowUpDef> {
    let mut items: Vec<(usize, String)> = Vec::new();
    for (i, line) in section.content.lines().enumerate() {
        let number = section.line + 1 + i;
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            items.push((number, item.trim().to_string()));
        } else if line.trim().is_empty() {
            continue;
        } else if line.starts_with(char::is_whitespace) && !items.is_empty() {
            if let Some((_, item)) = items.last_mut() {
                item.push(' ');
                item.push_str(line.trim());
            }
        } else {
            problems.at(
                Some(number),
                "follow-up questions must be a list: start each question with \"- \"",
            );
        }
    }
    if items.is_empty() {
        problems.at(
            Some(section.line),
            "section \"Follow-up questions\" needs at least one \"- \" question",
        );
    }
    if items.len() > MAX_FOLLOW_UPS {
        problems.at(
            Some(section.line),
            format!(
                "at most {MAX_FOLLOW_UPS} follow-up questions, not {}",
                items.len()
            ),
        );
    }
    for (line, item) in &items {
        if item.chars().count() > MAX_FOLLOW_UP_CHARS {
            problems.at(
                Some(*line),
                format!("a follow-up question may be at most {MAX_FOLLOW_UP_CHARS} characters"),
            );
        }
    }
    items
        .into_iter()
        .map(|(line, text)| {
            let marker = text
                .rfind("[probes:")
                .filter(|_| text.ends_with(']'));
            let (question, probes) = match marker {
                Some(at) => {
                    let ids = text[at + "[probes:".len()..text.len() - 1]
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>();
                    (text[..at].trim_end().to_string(), ids)
                }
                None => (text.clone(), Vec::new()),
            };
            for id in &probes {
                if !key_ids.contains(id.as_str()) {
                    let mut known: Vec<&str> = key_ids.iter().copied().collect();
                    known.sort_unstable();
                    problems.at(
                        Some(line),
                        format!(
                            "follow-up probes unknown key point \"{id}\"; this file's key points are: {}",
                            known.join(", ")
                        ),
                    );
                }
            }
            if question.is_empty() {
                problems.at(Some(line), "empty follow-up question");
            }
            FollowUpDef {
                markdown: question,
                probes,
            }
        })
        .collect()
}

fn parse_key_points(front: &[KeyPointFront], problems: &mut Problems) -> Vec<KeyPointDef> {
    if !(3..=10).contains(&front.len()) {
        problems.field(
            "[[key_points]]",
            format!("a scenario needs 3 to 10 key points, not {}", front.len()),
        );
        // Far too many: one error says it; checking each would bury it under thousands more.
        if front.len() > 10 {
            return Vec::new();
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for kp in front {
        let line = problems.line_of(&format!("id = \"{}\"", kp.id), 0);
        let key = match Slug::parse(&kp.id) {
            Ok(key) => key,
            Err(e) => {
                problems.at(line, format!("key point id: {e}"));
                continue;
            }
        };
        if !seen.insert(kp.id.as_str()) {
            problems.at(line, format!("duplicate key point id \"{}\"", kp.id));
        }
        let label = kp.label.trim();
        if !(3..=200).contains(&label.chars().count()) {
            problems.at(
                line,
                format!("key point \"{}\": label must be 3 to 200 characters", kp.id),
            );
        }
        let synonyms: Vec<String> = kp
            .synonyms
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if !(1..=MAX_SYNONYMS).contains(&synonyms.len())
            || synonyms.iter().any(|s| s.chars().count() > 60)
        {
            problems.at(
                line,
                format!(
                    "key point \"{}\": needs 1 to {MAX_SYNONYMS} synonyms of at most 60 characters each",
                    kp.id
                ),
            );
        }
        out.push(KeyPointDef {
            key,
            label: label.to_string(),
            synonyms,
        });
    }
    out
}

/// Parse and validate one scenario file.
pub fn parse_scenario(path: &str, text: &str) -> Result<ScenarioFile, Vec<ContentError>> {
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![ContentError::new(
            path,
            None,
            format!(
                "the scenario is {} KB; at most {} KB",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            ),
        )]);
    }
    let doc = split_front_matter(path, text).map_err(|e| vec![e])?;
    let front: ScenarioFront =
        toml::from_str(doc.front).map_err(|e| vec![toml_error(path, FRONT_LINE, doc.front, &e)])?;
    let mut problems = Problems::new(path, doc.front, FRONT_LINE);

    let slug = problems.slug("slug", &front.slug);
    let title = problems.text("title", &front.title, 3, 120);
    let summary = problems.text("summary", &front.summary, 10, 300);
    let level = Level::parse(&front.level)
        .map_err(|e| problems.field("level", e))
        .ok();
    let mut topics = Vec::new();
    for raw in &front.topics {
        match Topic::parse(raw) {
            Ok(t) if topics.contains(&t) => {
                problems.field("topics", format!("\"{raw}\" is listed twice"))
            }
            Ok(t) => topics.push(t),
            Err(e) => problems.field("topics", e),
        }
    }
    if front.topics.is_empty() {
        problems.field("topics", "list at least one topic");
    }
    let not_applicable = front.not_applicable.as_ref().map(|keys| {
        let mut seen = HashSet::new();
        for key in keys {
            if Slug::parse(key).is_err() || !seen.insert(key.as_str()) {
                problems.field(
                    "not_applicable",
                    format!("\"{key}\" is not a rubric dimension key, or is listed twice"),
                );
            }
        }
        keys.clone()
    });
    let checked_with: Vec<(String, String)> = front
        .checked_with
        .unwrap_or_default()
        .into_iter()
        .map(|(tool, version)| {
            let tool_ok = (1..=30).contains(&tool.len())
                && tool
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            let version = version.trim().to_string();
            if !tool_ok || !(1..=30).contains(&version.chars().count()) {
                problems.field(
                    "checked_with",
                    format!(
                        "`{tool} = \"{version}\"`: write a lowercase tool name and a version of 1 to 30 characters"
                    ),
                );
            }
            (tool, version)
        })
        .collect();
    let key_points = parse_key_points(&front.key_points, &mut problems);
    let key_ids: HashSet<&str> = key_points.iter().map(|k| k.key.as_str()).collect();

    // Sections: problems in the body are reported against body lines.
    let mut prompt = None;
    let mut follow_ups = None;
    let mut sections: Vec<(SectionKind, String)> = Vec::new();
    let mut seen = HashSet::new();
    // Sections already reported as too long: not "missing" as well.
    let mut too_long = HashSet::new();
    for section in split_sections(&doc, &mut problems) {
        if !seen.insert(section.heading) {
            problems.at(
                Some(section.line),
                format!("section \"{}\" appears twice", section.heading),
            );
            continue;
        }
        if section.content.trim().is_empty() {
            problems.at(
                Some(section.line),
                format!("section \"{}\" is empty", section.heading),
            );
        }
        let limit = if section.heading == PROMPT {
            MAX_PROMPT_CHARS
        } else {
            MAX_SECTION_CHARS
        };
        let chars = section.content.trim().chars().count();
        if chars > limit {
            problems.at(
                Some(section.line),
                format!(
                    "section \"{}\" has {chars} characters; at most {limit}",
                    section.heading
                ),
            );
            too_long.insert(section.heading);
            continue;
        }
        match section.heading {
            PROMPT => prompt = Some(section.content.trim().to_string()),
            FOLLOW_UPS => follow_ups = Some(parse_follow_ups(&section, &key_ids, &mut problems)),
            heading => match SectionKind::ALL
                .into_iter()
                .find(|k| k.heading() == heading)
            {
                Some(kind) => sections.push((kind, section.content.trim().to_string())),
                None => problems.at(
                    Some(section.line),
                    format!(
                        "unknown section \"{heading}\"; the sections are: {}",
                        expected_headings()
                    ),
                ),
            },
        }
    }
    let mut missing: Vec<&str> = Vec::new();
    if prompt.is_none() {
        missing.push(PROMPT);
    }
    missing.extend(
        SectionKind::ANSWER_KEY
            .into_iter()
            .filter(|k| !sections.iter().any(|(s, _)| s == k))
            .map(SectionKind::heading),
    );
    if follow_ups.is_none() {
        missing.push(FOLLOW_UPS);
    }
    for heading in missing.into_iter().filter(|h| !too_long.contains(h)) {
        problems.at(None, format!("missing section \"## {heading}\""));
    }
    sections.sort_by_key(|(kind, _)| SectionKind::ALL.iter().position(|k| k == kind));

    let record = match (slug, level, prompt, follow_ups) {
        (Some(slug), Some(level), Some(prompt), Some(follow_ups)) => Some(ScenarioFile {
            path: path.to_string(),
            hash: sha256_hex(text.as_bytes()),
            slug,
            title,
            summary,
            topics,
            level,
            not_applicable,
            checked_with,
            prompt,
            sections,
            key_points,
            follow_ups,
        }),
        _ => None,
    };
    problems.finish(record)
}
