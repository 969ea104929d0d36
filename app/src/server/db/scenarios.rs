//! SQL for scenarios, their immutable versions, and the full-text index.
use crate::domain::library::{
    FollowUp, KeyPoint, LibraryFilter, ScenarioCard, ScenarioDetail, Section, SectionKind,
};
use crate::domain::search::SearchQuery;
use crate::domain::taxonomy::{Level, Topic};
use crate::server::db::{Backend, Conn, Flag, Pool};
use sqlx::FromRow;

/// Everything one new scenario version stores, Markdown already rendered.
#[derive(Clone, Debug)]
pub struct NewScenarioVersion {
    pub content_hash: String,
    pub source_path: Option<String>,
    pub title: String,
    pub summary: String,
    pub level: Level,
    pub topics: Vec<Topic>,
    /// rubric dimensions the drill does not exercise; None when it does not say
    pub not_applicable: Option<Vec<String>>,
    /// (tool, version) its commands were checked against
    pub checked_with: Vec<(String, String)>,
    pub prompt_md: String,
    pub prompt_html: String,
    /// (kind, markdown, html) in display order.
    pub sections: Vec<(SectionKind, String, String)>,
    /// (key, label, synonyms).
    pub key_points: Vec<(String, String, Vec<String>)>,
    /// (markdown, html, probed key point keys).
    pub follow_ups: Vec<(String, String, Vec<String>)>,
    /// Plain text for the search index.
    pub prompt_text: String,
    pub answer_key_text: String,
}

/// A scenario as the content sync sees it.
#[derive(Clone, Debug, FromRow)]
pub struct ExistingScenario {
    pub id: i64,
    pub slug: String,
    pub current_hash: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub archived: bool,
    pub latest_version: i64,
}

pub async fn builtin_scenarios(conn: &mut Conn) -> Result<Vec<ExistingScenario>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.slug, v.content_hash AS current_hash,
                s.archived_at IS NOT NULL AS archived,
                (SELECT coalesce(max(version), 0) FROM scenario_versions
                  WHERE scenario_id = s.id) AS latest_version
           FROM scenarios s
           LEFT JOIN scenario_versions v ON v.id = s.current_version_id
          WHERE s.origin = 'builtin'",
    )
    .fetch_all(conn)
    .await
}

pub async fn insert_builtin(conn: &mut Conn, slug: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO scenarios (slug, origin, created_at, updated_at)
         VALUES ($1, 'builtin', $2, $2) RETURNING id",
    )
    .bind(slug)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Store version `version` of scenario `scenario_id`, make it current, and index it for search.
pub async fn add_version(
    conn: &mut Conn,
    scenario_id: i64,
    version: i64,
    new: &NewScenarioVersion,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let version_id: i64 = sqlx::query_scalar(
        "INSERT INTO scenario_versions (scenario_id, version, content_hash, source_path, title,
                                        summary, level, prompt_md, prompt_html, created_at,
                                        not_applicable, checked_with)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(scenario_id)
    .bind(version)
    .bind(&new.content_hash)
    .bind(&new.source_path)
    .bind(&new.title)
    .bind(&new.summary)
    .bind(new.level.key())
    .bind(&new.prompt_md)
    .bind(&new.prompt_html)
    .bind(now)
    .bind(new.not_applicable.as_deref().map(json))
    .bind(serde_json::to_string(&new.checked_with).unwrap_or_else(|_| "[]".into()))
    .fetch_one(&mut *conn)
    .await?;

    for topic in &new.topics {
        sqlx::query("INSERT INTO scenario_version_topics (version_id, topic) VALUES ($1, $2)")
            .bind(version_id)
            .bind(topic.key())
            .execute(&mut *conn)
            .await?;
    }
    for (position, (kind, md, html)) in new.sections.iter().enumerate() {
        sqlx::query(
            "INSERT INTO scenario_sections (version_id, kind, position, body_md, body_html)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(kind.key())
        .bind(position as i64)
        .bind(md)
        .bind(html)
        .execute(&mut *conn)
        .await?;
    }
    for (position, (key, label, synonyms)) in new.key_points.iter().enumerate() {
        sqlx::query(
            "INSERT INTO scenario_key_points (version_id, position, key, label, synonyms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(position as i64)
        .bind(key)
        .bind(label)
        .bind(json(synonyms))
        .execute(&mut *conn)
        .await?;
    }
    for (position, (md, html, probes)) in new.follow_ups.iter().enumerate() {
        sqlx::query(
            "INSERT INTO scenario_follow_ups (version_id, position, body_md, body_html, probes)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(position as i64)
        .bind(md)
        .bind(html)
        .bind(json(probes))
        .execute(&mut *conn)
        .await?;
    }

    sqlx::query(
        "UPDATE scenarios SET current_version_id = $2, archived_at = NULL, updated_at = $3
          WHERE id = $1",
    )
    .bind(scenario_id)
    .bind(version_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;

    sqlx::query("DELETE FROM scenario_search WHERE rowid = $1")
        .bind(scenario_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO scenario_search (rowid, title, summary, prompt, answer_key)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(scenario_id)
    .bind(&new.title)
    .bind(&new.summary)
    .bind(&new.prompt_text)
    .bind(&new.answer_key_text)
    .execute(&mut *conn)
    .await?;
    Ok(version_id)
}

pub async fn set_archived(
    conn: &mut Conn,
    scenario_id: i64,
    archived: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE scenarios SET archived_at = CASE WHEN $2 THEN $3 END, updated_at = $3
          WHERE id = $1",
    )
    .bind(scenario_id)
    .bind(archived)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

fn from_json(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn topics(csv: &str) -> Vec<Topic> {
    let mut topics: Vec<Topic> = csv
        .split(',')
        .filter_map(|t| Topic::parse(t).ok())
        .collect();
    topics.sort();
    topics
}

fn level(key: &str) -> Level {
    Level::parse(key).unwrap_or(Level::Senior)
}

/// Marks that `snippet()` puts around matched words: private-use characters that content never
/// contains, so the excerpt carries no HTML.
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// Split a marked excerpt into alternating plain / matched parts (matched parts at odd indexes).
fn split_marks(excerpt: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for c in excerpt.chars() {
        match c {
            MARK_START | MARK_END => parts.push(String::new()),
            c => parts.last_mut().into_iter().for_each(|p| p.push(c)),
        }
    }
    parts
}

#[derive(FromRow)]
struct CardRow {
    slug: String,
    title: String,
    summary: String,
    level: String,
    topics: String,
    excerpt: Option<String>,
}

impl From<CardRow> for ScenarioCard {
    fn from(r: CardRow) -> Self {
        Self {
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            topics: topics(&r.topics),
            level: level(&r.level),
            excerpt: r.excerpt.as_deref().map(split_marks),
        }
    }
}

/// Slugs of the scenarios teams wrote in the browser (content files may not take them).
pub async fn authored_slugs(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT slug FROM scenarios WHERE origin = 'authored'")
        .fetch_all(pool)
        .await
}

/// Who is looking: built-in scenarios are everybody's, a team's scenarios its members' only.
/// `viewer` is the signed-in user's id, None for a visitor.
#[derive(Clone, Copy, Debug)]
pub struct Viewer(pub Option<i64>);

/// The SQL condition "scenario `s` is visible to the viewer bound at `$n`": the one visibility
/// rule. Every query that lists or counts scenarios for someone uses it
/// (`tests/integration/visibility.rs` reads the db layer and fails on one that does not).
pub(crate) fn visible(n: usize) -> String {
    visible_to(&format!("${n}"))
}

/// The same rule for the user whose id is the SQL expression `who` (a column, say).
pub(crate) fn visible_to(who: &str) -> String {
    format!(
        "(s.team_id IS NULL OR s.team_id IN (SELECT team_id FROM team_members WHERE user_id = {who}))"
    )
}

/// The library list: current versions of unarchived scenarios the viewer may see matching the
/// filter, best match first when searching, library order otherwise (built-ins first). The one
/// place full-text search is done.
pub async fn list(
    pool: &Pool,
    viewer: Viewer,
    filter: &LibraryFilter,
    search: Option<&SearchQuery>,
) -> Result<Vec<ScenarioCard>, sqlx::Error> {
    const COLUMNS: &str = "s.slug, v.title, v.summary, v.level,
        (SELECT string_agg(t.topic, ',') FROM scenario_version_topics t
          WHERE t.version_id = v.id) AS topics";
    const FILTERS: &str = "s.archived_at IS NULL
        AND ($1 IS NULL OR EXISTS (SELECT 1 FROM scenario_version_topics t
                                    WHERE t.version_id = v.id AND t.topic = $1))
        AND ($2 IS NULL OR v.level = $2)";
    let topic = filter.topic.map(Topic::key);
    let level = filter.level.map(Level::key);
    let rows: Vec<CardRow> = match (search, Backend::of(pool)) {
        (Some(q), Backend::Sqlite) => {
            let sql = format!(
                "SELECT {COLUMNS},
                        snippet(scenario_search, -1, char(57344), char(57345), '…', 14) AS excerpt
                   FROM scenario_search
                   JOIN scenarios s ON s.id = scenario_search.rowid
                   JOIN scenario_versions v ON v.id = s.current_version_id
                  WHERE scenario_search MATCH $3 AND {FILTERS} AND {}
                  ORDER BY bm25(scenario_search, 10.0, 4.0, 2.0, 1.0), s.id",
                visible(4)
            );
            sqlx::query_as(&sql)
                .bind(topic)
                .bind(level)
                .bind(q.to_fts5())
                .bind(viewer.0)
                .fetch_all(pool)
                .await?
        }
        // The same weights as bm25's above (title, summary, prompt, answer key), through the
        // GIN-indexed tsvector; the excerpt from the text the words were found in.
        (Some(q), Backend::Postgres) => {
            let sql = format!(
                "SELECT {COLUMNS},
                        ts_headline('english',
                            concat_ws(' ', scenario_search.title, scenario_search.summary,
                                      scenario_search.prompt, scenario_search.answer_key),
                            q, $5) AS excerpt
                   FROM scenario_search
                   JOIN scenarios s ON s.id = scenario_search.rowid
                   JOIN scenario_versions v ON v.id = s.current_version_id
                  CROSS JOIN to_tsquery('english', $3) AS q
                  WHERE scenario_search.document @@ q AND {FILTERS} AND {}
                  ORDER BY ts_rank('{{0.1, 0.2, 0.4, 1.0}}', scenario_search.document, q) DESC,
                           s.id",
                visible(4)
            );
            sqlx::query_as(&sql)
                .bind(topic)
                .bind(level)
                .bind(q.to_tsquery())
                .bind(viewer.0)
                .bind(format!(
                    "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=14, MinWords=6, \
                     MaxFragments=1, FragmentDelimiter=…"
                ))
                .fetch_all(pool)
                .await?
        }
        (None, _) => {
            let sql = format!(
                "SELECT {COLUMNS}, NULL AS excerpt
                   FROM scenarios s
                   JOIN scenario_versions v ON v.id = s.current_version_id
                  WHERE {FILTERS} AND {}
                  ORDER BY s.team_id IS NOT NULL, s.id",
                visible(3)
            );
            sqlx::query_as(&sql)
                .bind(topic)
                .bind(level)
                .bind(viewer.0)
                .fetch_all(pool)
                .await?
        }
    };
    Ok(rows.into_iter().map(ScenarioCard::from).collect())
}

/// Unarchived scenarios in the library, as the viewer sees it.
pub async fn count(pool: &Pool, viewer: Viewer) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM scenarios s
          WHERE s.archived_at IS NULL AND s.current_version_id IS NOT NULL AND {}",
        visible(1)
    ))
    .bind(viewer.0)
    .fetch_one(pool)
    .await
}

/// Unarchived scenarios the viewer sees, per topic, for every topic that has any.
pub async fn count_by_topic(pool: &Pool, viewer: Viewer) -> Result<Vec<(Topic, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT t.topic, count(*) FROM scenarios s
           JOIN scenario_version_topics t ON t.version_id = s.current_version_id
          WHERE s.archived_at IS NULL AND {}
          GROUP BY t.topic",
        visible(1)
    ))
    .bind(viewer.0)
    .fetch_all(pool)
    .await?;
    let mut counts: Vec<(Topic, i64)> = rows
        .into_iter()
        .filter_map(|(t, n)| Topic::parse(&t).ok().map(|t| (t, n)))
        .collect();
    counts.sort();
    Ok(counts)
}

#[derive(FromRow)]
struct VersionRow {
    id: i64,
    slug: String,
    version: i64,
    title: String,
    summary: String,
    level: String,
    topics: String,
    prompt_html: String,
    not_applicable: Option<String>,
    checked_with: String,
}

/// A stored `checked_with` list: [[tool, version], ...].
pub(crate) fn checked_with(text: &str) -> Vec<(String, String)> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The rubric dimensions version `version_id` does not exercise.
pub async fn not_applicable(pool: &Pool, version_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT not_applicable FROM scenario_versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(pool)
            .await?;
    Ok(stored
        .flatten()
        .as_deref()
        .map(from_json)
        .unwrap_or_default())
}

/// The current version of an unarchived scenario the viewer may see, with its whole answer key.
pub async fn get(
    pool: &Pool,
    viewer: Viewer,
    slug: &str,
) -> Result<Option<ScenarioDetail>, sqlx::Error> {
    let current: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT s.current_version_id FROM scenarios s
          WHERE s.slug = $1 AND s.archived_at IS NULL AND {}",
        visible(2)
    ))
    .bind(slug)
    .bind(viewer.0)
    .fetch_optional(pool)
    .await?
    .flatten();
    match current {
        Some(id) => get_version(pool, id).await,
        None => Ok(None),
    }
}

/// One version of a scenario by its id, current or not (attempts point at the one answered).
pub async fn get_version(
    pool: &Pool,
    version_id: i64,
) -> Result<Option<ScenarioDetail>, sqlx::Error> {
    let row: Option<VersionRow> = sqlx::query_as(
        "SELECT v.id, s.slug, v.version, v.title, v.summary, v.level, v.prompt_html,
                (SELECT string_agg(t.topic, ',') FROM scenario_version_topics t
                  WHERE t.version_id = v.id) AS topics,
                v.not_applicable, v.checked_with
           FROM scenario_versions v
           JOIN scenarios s ON s.id = v.scenario_id
          WHERE v.id = $1",
    )
    .bind(version_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };

    let sections: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, body_html FROM scenario_sections WHERE version_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    let key_points: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT key, label, synonyms FROM scenario_key_points
          WHERE version_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    let follow_ups: Vec<(String, String)> = sqlx::query_as(
        "SELECT body_html, probes FROM scenario_follow_ups WHERE version_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;

    Ok(Some(ScenarioDetail {
        slug: row.slug,
        version: row.version,
        title: row.title,
        summary: row.summary,
        topics: topics(&row.topics),
        level: level(&row.level),
        prompt_html: row.prompt_html,
        not_applicable: row
            .not_applicable
            .as_deref()
            .map(from_json)
            .unwrap_or_default(),
        checked_with: checked_with(&row.checked_with),
        sections: sections
            .into_iter()
            .filter_map(|(kind, html)| SectionKind::parse(&kind).map(|kind| Section { kind, html }))
            .collect(),
        key_points: key_points
            .into_iter()
            .map(|(key, label, synonyms)| KeyPoint {
                key,
                label,
                synonyms: from_json(&synonyms),
            })
            .collect(),
        follow_ups: follow_ups
            .into_iter()
            .map(|(html, probes)| FollowUp {
                html,
                probes: from_json(&probes),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_marks_split_into_alternating_parts() {
        let parts = split_marks("roll \u{E000}back\u{E001} the \u{E000}model\u{E001}");
        assert_eq!(parts, ["roll ", "back", " the ", "model", ""]);
    }
}
