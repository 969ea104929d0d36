//! SQL for scenarios written in the browser: team ownership, forks, versions with their author,
//! and the stored Markdown a version's editor draft is rebuilt from.
use crate::domain::authoring::{AuthoredRow, VersionInfo};
use crate::domain::library::SectionKind;
use crate::domain::scenario_file::{FollowUpDef, KeyPointDef, ScenarioFile};
use crate::domain::slug::Slug;
use crate::domain::taxonomy::{Level, Topic};
use crate::server::db::{Backend, Conn, Flag, Pool};
use sqlx::FromRow;

/// The teams `user` may author for: every team for an admin, the teams they lead otherwise.
pub async fn teams_for(
    pool: &Pool,
    user: i64,
    is_admin: bool,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.name FROM teams t
          WHERE $2 OR EXISTS (SELECT 1 FROM team_members m
                               WHERE m.team_id = t.id AND m.user_id = $1 AND m.is_lead = 1)
          ORDER BY lower(t.name)",
    )
    .bind(user)
    .bind(is_admin)
    .fetch_all(pool)
    .await
}

#[derive(FromRow)]
struct Row {
    slug: String,
    title: String,
    team: String,
    version: i64,
    updated_at: i64,
    #[sqlx(try_from = "Flag")]
    archived: bool,
    forked_from: Option<String>,
}

/// The scenarios of some teams, archived ones included.
pub async fn team_scenarios(pool: &Pool, teams: &[i64]) -> Result<Vec<AuthoredRow>, sqlx::Error> {
    let ids = serde_json::to_string(teams).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT s.slug, v.title, t.name AS team, v.version, s.updated_at,
                s.archived_at IS NOT NULL AS archived, f.slug AS forked_from
           FROM scenarios s
           JOIN teams t ON t.id = s.team_id
           JOIN scenario_versions v ON v.id = s.current_version_id
           LEFT JOIN scenarios f ON f.id = s.forked_from_id
          WHERE s.team_id IN ({})
          ORDER BY lower(t.name), s.archived_at IS NOT NULL, lower(v.title)",
        Backend::of(pool).ids_in_json(1)
    );
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(ids).fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuthoredRow {
            slug: r.slug,
            title: r.title,
            team: r.team,
            version: r.version,
            updated_at: r.updated_at,
            archived: r.archived,
            forked_from: r.forked_from,
        })
        .collect())
}

/// Unarchived built-in scenarios: (slug, title).
pub async fn builtins(pool: &Pool) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, v.title FROM scenarios s
           JOIN scenario_versions v ON v.id = s.current_version_id
          WHERE s.team_id IS NULL AND s.archived_at IS NULL ORDER BY s.id",
    )
    .fetch_all(pool)
    .await
}

/// A scenario as authoring sees it, archived or not.
#[derive(Clone, Debug, FromRow)]
pub struct Head {
    pub id: i64,
    pub slug: String,
    pub team_id: Option<i64>,
    pub team: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub archived: bool,
    pub current_version_id: i64,
    pub current_version: i64,
    pub content_hash: String,
    pub title: String,
}

pub async fn head<'c>(
    db: impl sqlx::any::AnyExecutor<'c>,
    slug: &str,
) -> Result<Option<Head>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.slug, s.team_id, t.name AS team, s.archived_at IS NOT NULL AS archived,
                v.id AS current_version_id, v.version AS current_version, v.content_hash, v.title
           FROM scenarios s
           JOIN scenario_versions v ON v.id = s.current_version_id
           LEFT JOIN teams t ON t.id = s.team_id
          WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_optional(db)
    .await
}

/// Every version of a scenario, newest first: (version id, what the history shows).
pub async fn versions(pool: &Pool, scenario: i64) -> Result<Vec<(i64, VersionInfo)>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT v.id, v.version, v.created_at, u.display_name, v.title
           FROM scenario_versions v LEFT JOIN users u ON u.id = v.author_id
          WHERE v.scenario_id = $1 ORDER BY v.version DESC",
    )
    .bind(scenario)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, version, created_at, author, title)| {
            (
                id,
                VersionInfo {
                    version,
                    created_at,
                    author,
                    title,
                },
            )
        })
        .collect())
}

/// A stored version as the scenario file it is (`path` empty, `hash` the stored hash): what
/// the editor, the diff and content packs start from.
pub async fn stored_file(
    conn: &mut Conn,
    version_id: i64,
) -> Result<Option<ScenarioFile>, sqlx::Error> {
    #[derive(FromRow)]
    struct Head {
        slug: String,
        title: String,
        summary: String,
        level: String,
        prompt_md: String,
        content_hash: String,
        not_applicable: Option<String>,
        checked_with: String,
    }
    let head: Option<Head> = sqlx::query_as(
        "SELECT s.slug, v.title, v.summary, v.level, v.prompt_md, v.content_hash,
                v.not_applicable, v.checked_with
           FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id WHERE v.id = $1",
    )
    .bind(version_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(Head {
        slug,
        title,
        summary,
        level,
        prompt_md: prompt,
        content_hash: hash,
        not_applicable,
        checked_with,
    }) = head
    else {
        return Ok(None);
    };
    let topics: Vec<String> =
        sqlx::query_scalar("SELECT topic FROM scenario_version_topics WHERE version_id = $1")
            .bind(version_id)
            .fetch_all(&mut *conn)
            .await?;
    let sections: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, body_md FROM scenario_sections WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let key_points: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT key, label, synonyms FROM scenario_key_points WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let follow_ups: Vec<(String, String)> = sqlx::query_as(
        "SELECT body_md, probes FROM scenario_follow_ups WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    let decode = |what: &str, e: String| sqlx::Error::Decode(format!("stored {what}: {e}").into());
    let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
    let mut topics: Vec<Topic> = topics
        .iter()
        .map(|t| Topic::parse(t))
        .collect::<Result<_, _>>()
        .map_err(|e| decode("topic", e))?;
    topics.sort();
    Ok(Some(ScenarioFile {
        path: String::new(),
        hash,
        slug: Slug::parse(&slug).map_err(|e| decode("slug", e))?,
        title,
        summary,
        topics,
        level: Level::parse(&level).map_err(|e| decode("level", e))?,
        not_applicable: not_applicable.as_deref().map(list),
        checked_with: super::scenarios::checked_with(&checked_with),
        prompt,
        sections: sections
            .into_iter()
            .filter_map(|(k, md)| SectionKind::parse(&k).map(|k| (k, md)))
            .collect(),
        key_points: key_points
            .into_iter()
            .map(|(key, label, synonyms)| {
                Ok(KeyPointDef {
                    key: Slug::parse(&key).map_err(|e| decode("key point", e))?,
                    label,
                    synonyms: list(&synonyms),
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        follow_ups: follow_ups
            .into_iter()
            .map(|(markdown, probes)| FollowUpDef {
                markdown,
                probes: list(&probes),
            })
            .collect(),
    }))
}

/// A stored version as its file (the editor makes its draft from this).
pub async fn file_of(pool: &Pool, version_id: i64) -> Result<Option<ScenarioFile>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    stored_file(&mut conn, version_id).await
}

/// A new team-owned scenario (no version yet); None when the slug is taken.
pub async fn create(
    conn: &mut Conn,
    slug: &str,
    team: i64,
    forked_from: Option<i64>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let Flag(taken) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM scenarios WHERE slug = $1)")
        .bind(slug)
        .fetch_one(&mut *conn)
        .await?;
    if taken {
        return Ok(None);
    }
    sqlx::query_scalar(
        "INSERT INTO scenarios (slug, origin, team_id, forked_from_id, created_at, updated_at)
         VALUES ($1, 'authored', $2, $3, $4, $4) RETURNING id",
    )
    .bind(slug)
    .bind(team)
    .bind(forked_from)
    .bind(now)
    .fetch_one(conn)
    .await
    .map(Some)
}

/// Record who saved a version (the content sync leaves it empty).
pub async fn set_author(conn: &mut Conn, version_id: i64, author: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE scenario_versions SET author_id = $2 WHERE id = $1")
        .bind(version_id)
        .bind(author)
        .execute(conn)
        .await?;
    Ok(())
}

/// The latest version number of a scenario.
pub async fn latest_version(conn: &mut Conn, scenario: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(max(version), 0) FROM scenario_versions WHERE scenario_id = $1",
    )
    .bind(scenario)
    .fetch_one(conn)
    .await
}
