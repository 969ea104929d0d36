//! Content packs on the server: scenarios written out as `content/` files in a zip, and a pack
//! read back, every file checked against the same parser as `content/`, and applied to one team
//! all at once or not at all.
//!
//! Identity is the slug, as in `content/`. Importing a file whose scenario already says the same
//! thing (compared field by field, not byte by byte, so a re-exported pack counts as the same)
//! changes nothing, which makes importing a pack twice a no-op.
mod routes;

pub use routes::{export, import, IMPORT_BODY_LIMIT};

use super::authoring::same_content;
use super::content::{parse_scenario, ScenarioFile};
use super::db::{self, authoring as store};
use crate::domain::library::SectionKind;
use crate::domain::packs::{
    FileOutcome, ImportReport, Outcome, PackProblem, MAX_FILE_BYTES, MAX_PACK_FILES,
};
use crate::server::db::Conn;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Write};

/// Most bytes of scenario files one upload may unpack to, over all its zips and files.
pub const MAX_UNPACKED_BYTES: usize = 16 * 1024 * 1024;

/// Where problems with the upload as a whole are filed.
pub const THE_UPLOAD: &str = "the upload";

#[derive(Serialize)]
struct Front<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    topics: Vec<&'a str>,
    level: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_applicable: Option<&'a [String]>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    checked_with: std::collections::BTreeMap<&'a str, &'a str>,
    key_points: Vec<KeyPoint<'a>>,
}

#[derive(Serialize)]
struct KeyPoint<'a> {
    id: &'a str,
    label: &'a str,
    synonyms: &'a [String],
}

/// A scenario as a content file, exactly the format `content/scenarios/*.md` uses.
pub fn write_file(f: &ScenarioFile) -> String {
    let front = Front {
        slug: f.slug.as_str(),
        title: &f.title,
        summary: &f.summary,
        topics: f.topics.iter().map(|t| t.key()).collect(),
        level: f.level.key(),
        not_applicable: f.not_applicable.as_deref(),
        checked_with: f
            .checked_with
            .iter()
            .map(|(t, v)| (t.as_str(), v.as_str()))
            .collect(),
        key_points: f
            .key_points
            .iter()
            .map(|k| KeyPoint {
                id: k.key.as_str(),
                label: &k.label,
                synonyms: &k.synonyms,
            })
            .collect(),
    };
    // Serialising plain strings and lists cannot fail.
    let front = toml::to_string(&front).unwrap_or_default();
    let mut out = format!("+++\n{}+++\n", front);
    let mut section = |heading: &str, body: &str| {
        out.push_str(&format!("\n## {heading}\n\n{}\n", body.trim_end()));
    };
    let sections = |kinds: &[SectionKind], section: &mut dyn FnMut(&str, &str)| {
        for kind in kinds {
            if let Some((_, body)) = f.sections.iter().find(|(k, _)| k == kind) {
                section(kind.heading(), body);
            }
        }
    };
    section("Prompt", &f.prompt);
    sections(&SectionKind::ANSWER_KEY, &mut section);
    let follow_ups = f
        .follow_ups
        .iter()
        .map(|q| {
            if q.probes.is_empty() {
                format!("- {}", q.markdown)
            } else {
                format!("- {} [probes: {}]", q.markdown, q.probes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    section("Follow-up questions", &follow_ups);
    sections(&SectionKind::EXAMPLES, &mut section);
    out
}

/// The hash a scenario's content is stored under when it arrives through a pack: that of its
/// file as this module writes it.
pub fn canonical_hash(f: &ScenarioFile) -> String {
    format!("{:x}", Sha256::digest(write_file(f).as_bytes()))
}

/// A pack as a zip: `scenarios/<slug>.md` for every scenario, and a README saying what it is.
pub fn zip_pack(readme: &str, files: &[ScenarioFile]) -> Result<Vec<u8>, zip::result::ZipError> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    zip.start_file("README.md", options)?;
    zip.write_all(readme.as_bytes())?;
    for f in files {
        zip.start_file(format!("scenarios/{}.md", f.slug), options)?;
        zip.write_all(write_file(f).as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// One uploaded file: its name as the browser sent it, and its bytes.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an upload holds: scenario files (path in the pack, text), files left alone, problems.
#[derive(Default)]
pub struct Unpacked {
    pub scenarios: Vec<(String, String)>,
    pub ignored: Vec<String>,
    pub problems: Vec<PackProblem>,
    /// uncompressed bytes kept so far, over every upload
    total: usize,
    /// set once a limit over the whole upload is reached: nothing more is read
    full: bool,
}

impl Unpacked {
    fn problem(&mut self, file: &str, field: &str, message: impl Into<String>) {
        self.problems.push(PackProblem {
            file: file.to_string(),
            line: None,
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Whether another scenario file may still be read: at most `MAX_PACK_FILES` files and
    /// `MAX_UNPACKED_BYTES` over the whole upload, however many zips it holds.
    fn room(&mut self) -> bool {
        if self.full {
            return false;
        }
        if self.scenarios.len() >= MAX_PACK_FILES || self.total >= MAX_UNPACKED_BYTES {
            self.full = true;
            self.problem(
                THE_UPLOAD,
                "files",
                format!(
                    "holds more than {MAX_PACK_FILES} scenario files or {} MB of them; import it in parts",
                    MAX_UNPACKED_BYTES / (1024 * 1024)
                ),
            );
            return false;
        }
        true
    }

    /// Keep a scenario file's text, or say why it cannot be read.
    fn take(&mut self, path: &str, bytes: Vec<u8>) {
        if bytes.len() > MAX_FILE_BYTES {
            self.problem(
                path,
                "file",
                format!(
                    "is larger than {} KB; a scenario file is a few KB",
                    MAX_FILE_BYTES / 1024
                ),
            );
            return;
        }
        self.total += bytes.len();
        match String::from_utf8(bytes) {
            Ok(text) => self.scenarios.push((path.to_string(), text)),
            Err(_) => self.problem(path, "file", "is not UTF-8 text"),
        }
    }
}

/// Is this path inside a pack a scenario file: `*.md` directly in a folder named `scenarios`
/// (at any depth, so a zipped folder works too).
fn is_scenario_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [.., dir, file] => *dir == "scenarios" && file.ends_with(".md") && !file.starts_with('.'),
        _ => false,
    }
}

/// Operating-system litter that zip tools add and nobody means to import.
fn is_litter(path: &str) -> bool {
    path.starts_with("__MACOSX/")
        || path.rsplit('/').next().is_some_and(|f| {
            f == ".DS_Store" || f == "Thumbs.db" || f.starts_with("._") || f.is_empty()
        })
}

/// The scenario files of some uploads: zips are opened (their `scenarios/*.md`), `.md` files
/// are taken as scenario files themselves. Every problem is collected, none stops the rest.
pub fn unpack(uploads: Vec<Upload>) -> Unpacked {
    let mut out = Unpacked::default();
    for upload in uploads {
        let name = upload.name.clone();
        let lower = name.to_lowercase();
        if lower.ends_with(".md") {
            if out.room() {
                out.take(&name, upload.bytes);
            }
        } else if lower.ends_with(".zip") || upload.bytes.starts_with(b"PK\x03\x04") {
            unzip(&name, upload.bytes, &mut out);
        } else {
            out.problem(
                &name,
                "file",
                "is neither a pack (.zip) nor a scenario file (.md)",
            );
        }
    }
    if out.scenarios.is_empty() && out.problems.is_empty() {
        out.problem(
            THE_UPLOAD,
            "files",
            "holds no scenario files: a pack keeps them as scenarios/<name>.md",
        );
    }
    out
}

fn unzip(name: &str, bytes: Vec<u8>, out: &mut Unpacked) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            out.problem(name, "file", format!("is not a readable zip file ({e})"));
            return;
        }
    };
    // Entries are counted before any is read, so a zip of a million files costs nothing.
    if archive.len() > MAX_PACK_FILES * 4 {
        out.problem(
            name,
            "file",
            format!(
                "holds {} entries; a pack holds at most {MAX_PACK_FILES} scenarios",
                archive.len()
            ),
        );
        return;
    }
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.problem(
                    name,
                    "file",
                    format!("entry {} cannot be read ({e})", i + 1),
                );
                continue;
            }
        };
        let path = entry.name().to_string();
        if entry.is_dir() || is_litter(&path) {
            continue;
        }
        if !is_scenario_path(&path) {
            out.ignored.push(path);
            continue;
        }
        if !out.room() {
            return;
        }
        if entry.encrypted() {
            out.problem(
                &path,
                "file",
                "is encrypted; export the pack without a password",
            );
            continue;
        }
        // Read at most one byte past the limit whatever the entry claims its size is.
        let mut bytes = Vec::new();
        let limit = MAX_FILE_BYTES as u64 + 1;
        if let Err(e) = (&mut entry).take(limit).read_to_end(&mut bytes) {
            out.problem(&path, "file", format!("cannot be unpacked ({e})"));
            continue;
        }
        out.take(&path, bytes);
    }
}

/// Where in a content file a line is: the front-matter field, the key point, or the section.
pub fn locate(text: &str, line: Option<usize>, message: &str) -> String {
    // TOML names the field it misses, but places the error at the start of the front matter.
    if let Some(rest) = message.split("missing field `").nth(1) {
        if let Some((field, _)) = rest.split_once('`') {
            return field.to_string();
        }
    }
    let Some(line) = line else {
        if let Some(rest) = message.strip_prefix("missing section \"## ") {
            return format!("section \"{}", rest);
        }
        return "file".into();
    };
    let lines: Vec<&str> = text.lines().collect();
    let close = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "+++")
        .map(|i| i + 2);
    if line <= 1 {
        return "front matter".into();
    }
    if close.is_none_or(|c| line <= c) {
        let mut key_point = 0;
        for l in lines.iter().take(line) {
            if l.trim() == "[[key_points]]" {
                key_point += 1;
            }
        }
        let here = lines.get(line - 1).map(|l| l.trim()).unwrap_or_default();
        let key = here
            .split_once('=')
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty() && !k.contains(' '));
        return match (key_point, key) {
            (0, Some(k)) => k.to_string(),
            (0, None) => "front matter".into(),
            (n, Some(k)) => format!("key_points[{n}].{k}"),
            (n, None) => format!("key_points[{n}]"),
        };
    }
    lines
        .iter()
        .take(line)
        .rev()
        .find_map(|l| l.strip_prefix("## "))
        .map(|h| format!("section \"{}\"", h.trim()))
        .unwrap_or_else(|| "body".into())
}

/// Every scenario file parsed (with its hash made canonical), or the problems of those that
/// fail, each placed on its field. Slugs used twice in the pack are problems too.
pub fn parse_all(files: &[(String, String)]) -> (Vec<ScenarioFile>, Vec<PackProblem>) {
    let mut parsed: Vec<ScenarioFile> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in files {
        match parse_scenario(path, text) {
            Ok(mut f) => {
                if let Some(first) = parsed.iter().find(|p| p.slug == f.slug) {
                    problems.push(PackProblem {
                        file: path.clone(),
                        line: text
                            .lines()
                            .position(|l| l.starts_with("slug"))
                            .map(|i| i + 1),
                        field: "slug".into(),
                        message: format!(
                            "\"{}\" is also the slug of {}; a pack holds each scenario once",
                            f.slug, first.path
                        ),
                    });
                    continue;
                }
                f.hash = canonical_hash(&f);
                parsed.push(f);
            }
            Err(errors) => problems.extend(errors.into_iter().map(|e| PackProblem {
                field: locate(text, e.line, &e.message),
                file: e.path,
                line: e.line,
                message: e.message,
            })),
        }
    }
    (parsed, problems)
}

/// What importing each file into `team` would do, checked against the library as it is now
/// (call inside the transaction that applies it), or the problems that forbid it.
pub async fn plan(
    conn: &mut Conn,
    team: i64,
    files: &[ScenarioFile],
) -> Result<(Vec<(Outcome, Option<store::Head>)>, Vec<PackProblem>), sqlx::Error> {
    let mut plan = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        let head = store::head(&mut *conn, f.slug.as_str()).await?;
        let same = match &head {
            Some(h) => store::stored_file(conn, h.current_version_id)
                .await?
                .is_some_and(|s| same_content(&s, f)),
            None => false,
        };
        let slug_problem = |message: String| PackProblem {
            file: f.path.clone(),
            line: None,
            field: "slug".into(),
            message,
        };
        let outcome = match &head {
            None => Outcome::Created,
            Some(h) if h.team_id == Some(team) && same => Outcome::Unchanged,
            Some(h) if h.team_id == Some(team) => Outcome::NewVersion(h.current_version + 1),
            Some(h) if h.team_id.is_none() && same => Outcome::SameAsBuiltIn,
            Some(h) if h.team_id.is_none() => {
                problems.push(slug_problem(format!(
                    "\"{}\" is a built-in scenario's slug, and built-ins change only through content files; give your team's version its own slug",
                    f.slug
                )));
                continue;
            }
            Some(_) => {
                problems.push(slug_problem(format!(
                    "\"{}\" is taken by a scenario of another team; give this one its own slug",
                    f.slug
                )));
                continue;
            }
        };
        plan.push((outcome, head));
    }
    Ok((plan, problems))
}

/// Apply a plan: a new scenario or version for every file that changes something, all saved by
/// `author`. The outcomes, for the report.
pub async fn apply(
    conn: &mut Conn,
    team: i64,
    author: i64,
    files: &[ScenarioFile],
    plan: Vec<(Outcome, Option<store::Head>)>,
    now: i64,
) -> Result<Vec<FileOutcome>, sqlx::Error> {
    let mut outcomes = Vec::new();
    for (f, (outcome, head)) in files.iter().zip(plan) {
        if outcome.changes_something() {
            let scenario_id = match &head {
                Some(h) => h.id,
                None => store::create(conn, f.slug.as_str(), team, None, now)
                    .await?
                    .ok_or_else(|| sqlx::Error::Protocol("slug taken during import".into()))?,
            };
            let version = store::latest_version(conn, scenario_id).await? + 1;
            let mut record = super::content::render(f);
            record.source_path = None;
            let version_id =
                db::scenarios::add_version(conn, scenario_id, version, &record, now).await?;
            store::set_author(conn, version_id, author).await?;
        }
        outcomes.push(FileOutcome {
            file: f.path.clone(),
            slug: f.slug.to_string(),
            title: f.title.clone(),
            outcome,
        });
    }
    Ok(outcomes)
}

/// Check everything, then apply all of it or none: the report of importing `uploads` into
/// `team`. A report with problems changed nothing.
pub async fn import_into(
    pool: &crate::server::db::Pool,
    team: i64,
    author: i64,
    uploads: Vec<Upload>,
    now: i64,
) -> Result<(i64, ImportReport), sqlx::Error> {
    let mut report = ImportReport {
        uploaded: uploads.iter().map(|u| u.name.clone()).collect(),
        ..Default::default()
    };
    // Unzipping and parsing are CPU work: off the async workers.
    let (unpacked, (files, problems)) = tokio::task::spawn_blocking(move || {
        let unpacked = unpack(uploads);
        let parsed = parse_all(&unpacked.scenarios);
        (unpacked, parsed)
    })
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("unpacking a pack: {e}")))?;
    report.ignored = unpacked.ignored;
    report.problems = unpacked.problems;
    report.problems.extend(problems);
    let mut tx = db::begin_write(pool).await?;
    let (plan, problems) = plan(&mut tx, team, &files).await?;
    report.problems.extend(problems);
    if report.problems.is_empty() {
        report.files = apply(&mut tx, team, author, &files, plan, now).await?;
    } else {
        // Nothing is applied: the transaction only records the refused import.
        report.files.clear();
    }
    let id = db::packs::record(&mut tx, team, author, now, &report).await?;
    crate::server::db::commit(tx).await?;
    Ok((id, report))
}

#[cfg(test)]
mod tests;
