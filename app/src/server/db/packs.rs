//! SQL for the log of content-pack imports: each import's report, applied or refused.
use crate::domain::packs::{ImportReport, ImportSummary, ImportView};
use crate::server::db::{Backend, Conn, Pool};

/// Record an import and its report; its id.
pub async fn record(
    conn: &mut Conn,
    team: i64,
    user: i64,
    now: i64,
    report: &ImportReport,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(report).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query_scalar(
        "INSERT INTO pack_imports (team_id, user_id, created_at, applied, report)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(team)
    .bind(user)
    .bind(now)
    .bind(i64::from(report.applied()))
    .bind(json)
    .fetch_one(conn)
    .await
}

type Row = (i64, i64, String, Option<String>, i64, String);

fn decode(report: &str) -> Result<ImportReport, sqlx::Error> {
    serde_json::from_str(report).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// One import with its report, and the team it went into.
pub async fn get(pool: &Pool, id: i64) -> Result<Option<(i64, ImportView)>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT i.id, i.team_id, t.name, u.display_name, i.created_at, i.report
           FROM pack_imports i JOIN teams t ON t.id = i.team_id
           LEFT JOIN users u ON u.id = i.user_id
          WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|(id, team_id, team, by, created_at, report)| {
        Ok((
            team_id,
            ImportView {
                id,
                team,
                by,
                created_at,
                report: decode(&report)?,
            },
        ))
    })
    .transpose()
}

/// The latest imports into some teams, newest first.
pub async fn recent(
    pool: &Pool,
    teams: &[i64],
    limit: i64,
) -> Result<Vec<ImportSummary>, sqlx::Error> {
    let ids = serde_json::to_string(teams).unwrap_or_else(|_| "[]".into());
    let sql = format!(
        "SELECT i.id, i.team_id, t.name, u.display_name, i.created_at, i.report
           FROM pack_imports i JOIN teams t ON t.id = i.team_id
           LEFT JOIN users u ON u.id = i.user_id
          WHERE i.team_id IN ({})
          ORDER BY i.created_at DESC, i.id DESC LIMIT $2",
        Backend::of(pool).ids_in_json(1)
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(ids)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|(id, _, team, by, created_at, report)| {
            let report = decode(&report)?;
            Ok(ImportSummary {
                id,
                team,
                by,
                created_at,
                applied: report.applied(),
                summary: report.summary(),
            })
        })
        .collect()
}
