//! Writing a validated [`ContentSet`] to the database: new versions only where a file changed.
use super::files::{load, ContentErrors, ContentSet, ScenarioFile};
use crate::server::db::Pool;
use crate::server::db::{self, frameworks, rubric, scenarios};
use crate::server::markdown;
use std::collections::HashSet;
use std::path::Path;

/// What one sync changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub scenarios_added: usize,
    /// Scenarios that got a new version because their file changed.
    pub scenarios_updated: usize,
    pub scenarios_unchanged: usize,
    pub scenarios_archived: usize,
    pub frameworks_written: usize,
    pub frameworks_archived: usize,
    pub rubric_updated: bool,
}

impl SyncReport {
    pub fn changed_anything(&self) -> bool {
        *self
            != Self {
                scenarios_unchanged: self.scenarios_unchanged,
                ..Self::default()
            }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Invalid(#[from] ContentErrors),
    #[error("content sync failed writing to the database: {0}")]
    Database(#[from] sqlx::Error),
}

pub fn render(file: &ScenarioFile) -> scenarios::NewScenarioVersion {
    let answer_key_text = file
        .sections
        .iter()
        .filter(|(kind, _)| !kind.is_example())
        .map(|(_, md)| markdown::to_plain_text(md))
        .chain(file.key_points.iter().map(|k| k.label.clone()))
        .chain(
            file.follow_ups
                .iter()
                .map(|f| markdown::to_plain_text(&f.markdown)),
        )
        .collect::<Vec<_>>()
        .join("\n");
    scenarios::NewScenarioVersion {
        content_hash: file.hash.clone(),
        source_path: Some(file.path.clone()),
        title: file.title.clone(),
        summary: file.summary.clone(),
        level: file.level,
        topics: file.topics.clone(),
        not_applicable: file.not_applicable.clone(),
        checked_with: file.checked_with.clone(),
        prompt_md: file.prompt.clone(),
        prompt_html: markdown::to_html(&file.prompt),
        sections: file
            .sections
            .iter()
            .map(|(kind, md)| (*kind, md.clone(), markdown::to_html(md)))
            .collect(),
        key_points: file
            .key_points
            .iter()
            .map(|k| (k.key.to_string(), k.label.clone(), k.synonyms.clone()))
            .collect(),
        follow_ups: file
            .follow_ups
            .iter()
            .map(|f| {
                (
                    f.markdown.clone(),
                    markdown::to_html(&f.markdown),
                    f.probes.clone(),
                )
            })
            .collect(),
        prompt_text: markdown::to_plain_text(&file.prompt),
        answer_key_text,
    }
}

/// Load `dir`, then apply it in one write transaction. Invalid content changes nothing.
/// A content file whose slug a team's browser-written scenario already has is refused, naming
/// both: the sync never takes over (or overwrites) an author's scenario.
pub async fn sync(pool: &Pool, dir: &Path, now: i64) -> Result<SyncReport, SyncError> {
    let content = load(dir)?;
    let authored = scenarios::authored_slugs(pool).await?;
    let taken: Vec<super::ContentError> = content
        .scenarios
        .iter()
        .filter(|s| authored.iter().any(|a| a == s.slug.as_str()))
        .map(|s| {
            super::ContentError::new(
                &s.path,
                Some(2),
                format!(
                    "slug \"{}\" is taken by a scenario a team wrote in the browser: give this file another slug",
                    s.slug.as_str()
                ),
            )
        })
        .collect();
    if !taken.is_empty() {
        return Err(SyncError::Invalid(ContentErrors(taken)));
    }
    apply(pool, &content, now).await.map_err(SyncError::from)
}

/// Apply already-validated content. Running it twice with the same content changes nothing.
pub async fn apply(pool: &Pool, content: &ContentSet, now: i64) -> Result<SyncReport, sqlx::Error> {
    let mut report = SyncReport::default();
    let mut tx = db::begin_write(pool).await?;

    let existing = scenarios::builtin_scenarios(&mut tx).await?;
    for file in &content.scenarios {
        match existing.iter().find(|e| e.slug == file.slug.as_str()) {
            None => {
                let id = scenarios::insert_builtin(&mut tx, file.slug.as_str(), now).await?;
                scenarios::add_version(&mut tx, id, 1, &render(file), now).await?;
                report.scenarios_added += 1;
            }
            Some(e) if e.current_hash.as_deref() != Some(file.hash.as_str()) => {
                scenarios::add_version(&mut tx, e.id, e.latest_version + 1, &render(file), now)
                    .await?;
                report.scenarios_updated += 1;
            }
            Some(e) => {
                if e.archived {
                    scenarios::set_archived(&mut tx, e.id, false, now).await?;
                }
                report.scenarios_unchanged += 1;
            }
        }
    }
    let present: HashSet<&str> = content.scenarios.iter().map(|s| s.slug.as_str()).collect();
    for gone in existing
        .iter()
        .filter(|e| !e.archived && !present.contains(e.slug.as_str()))
    {
        scenarios::set_archived(&mut tx, gone.id, true, now).await?;
        report.scenarios_archived += 1;
    }

    let existing = frameworks::existing(&mut tx).await?;
    for file in &content.frameworks {
        let same = existing
            .iter()
            .any(|e| e.slug == file.slug.as_str() && e.content_hash == file.hash && !e.archived);
        if !same {
            let html = markdown::to_html(&file.body);
            let record = frameworks::FrameworkRecord {
                slug: file.slug.as_str(),
                position: file.order,
                title: &file.title,
                summary: &file.summary,
                body_md: &file.body,
                body_html: &html,
                content_hash: &file.hash,
            };
            frameworks::upsert(&mut tx, &record, now).await?;
            report.frameworks_written += 1;
        }
    }
    let present: HashSet<&str> = content.frameworks.iter().map(|f| f.slug.as_str()).collect();
    for gone in existing
        .iter()
        .filter(|e| !e.archived && !present.contains(e.slug.as_str()))
    {
        frameworks::archive(&mut tx, gone.id, now).await?;
        report.frameworks_archived += 1;
    }

    let r = &content.rubric;
    if rubric::current_hash(&mut tx).await?.as_deref() != Some(r.hash.as_str()) {
        rubric::add_version(
            &mut tx,
            &r.hash,
            &r.name,
            &r.description,
            &r.dimensions,
            &r.recommendations,
            r.rule.as_ref(),
            now,
        )
        .await?;
        report.rubric_updated = true;
    }

    crate::server::db::commit(tx).await?;
    Ok(report)
}
