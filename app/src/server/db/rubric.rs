//! SQL for the scoring rubric and its versions.
use crate::domain::library::{Recommendation, RecommendationRule, Rubric, RubricDimension};
use crate::domain::taxonomy::Level;
use crate::server::db::{Conn, Pool};
use sqlx::FromRow;

#[derive(FromRow)]
struct DimensionRow {
    key: String,
    name: String,
    description: String,
    level_1: String,
    level_2: String,
    level_3: String,
    level_4: String,
}

/// The content hash of the current (newest) rubric version, if there is one.
pub async fn current_hash(conn: &mut Conn) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT content_hash FROM rubric_versions ORDER BY id DESC LIMIT 1")
        .fetch_optional(conn)
        .await
}

/// Store a new rubric version, which becomes the current one.
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per part of a parsed rubric file; the caller has them apart"
)]
pub async fn add_version(
    conn: &mut Conn,
    content_hash: &str,
    name: &str,
    description: &str,
    dimensions: &[RubricDimension],
    recommendations: &[Recommendation],
    rule: Option<&RecommendationRule>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let bars: std::collections::BTreeMap<&str, u16> = rule
        .map(|r| r.bars.iter().map(|(l, b)| (l.key(), *b)).collect())
        .unwrap_or_default();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rubric_versions (content_hash, name, description, created_at,
                                      rule_md, rule_html, bars)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(content_hash)
    .bind(name)
    .bind(description)
    .bind(now)
    .bind(rule.map(|r| r.text.as_str()).unwrap_or_default())
    .bind(
        rule.map(|r| crate::server::markdown::to_html(&r.text))
            .unwrap_or_default(),
    )
    .bind(serde_json::to_string(&bars).unwrap_or_else(|_| "{}".into()))
    .fetch_one(&mut *conn)
    .await?;
    for (position, d) in dimensions.iter().enumerate() {
        let [l1, l2, l3, l4] = &d.levels;
        sqlx::query(
            "INSERT INTO rubric_dimensions (rubric_version_id, position, key, name, description,
                                            level_1, level_2, level_3, level_4)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&d.key)
        .bind(&d.name)
        .bind(&d.description)
        .bind(l1)
        .bind(l2)
        .bind(l3)
        .bind(l4)
        .execute(&mut *conn)
        .await?;
    }
    for (position, r) in recommendations.iter().enumerate() {
        sqlx::query(
            "INSERT INTO rubric_recommendations (rubric_version_id, position, key, label, description)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&r.key)
        .bind(&r.label)
        .bind(&r.description)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The current rubric with every dimension and recommendation, in order.
pub async fn current(pool: &Pool) -> Result<Option<Rubric>, sqlx::Error> {
    let head: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, description, rule_html, bars FROM rubric_versions ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some((version, name, description, rule_html, bars)) = head else {
        return Ok(None);
    };
    let bars: std::collections::BTreeMap<String, u16> =
        serde_json::from_str(&bars).unwrap_or_default();
    let dimensions = dimensions(pool, version).await?;
    let recs: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT key, label, description FROM rubric_recommendations
          WHERE rubric_version_id = $1 ORDER BY position",
    )
    .bind(version)
    .fetch_all(pool)
    .await?;
    Ok(Some(Rubric {
        version,
        name,
        description,
        dimensions,
        recommendations: recs
            .into_iter()
            .map(|(key, label, description)| Recommendation {
                key,
                label,
                description,
            })
            .collect(),
        rule_html,
        bars: Level::ALL
            .into_iter()
            .filter_map(|l| bars.get(l.key()).map(|b| (l, *b)))
            .collect(),
    }))
}

/// The dimensions of one rubric version, in order (scorecards name the version they used).
pub async fn dimensions(
    pool: &Pool,
    rubric_version_id: i64,
) -> Result<Vec<RubricDimension>, sqlx::Error> {
    let dims: Vec<DimensionRow> = sqlx::query_as(
        "SELECT key, name, description, level_1, level_2, level_3, level_4
           FROM rubric_dimensions WHERE rubric_version_id = $1 ORDER BY position",
    )
    .bind(rubric_version_id)
    .fetch_all(pool)
    .await?;
    Ok(dims
        .into_iter()
        .map(|d| RubricDimension {
            key: d.key,
            name: d.name,
            description: d.description,
            levels: [d.level_1, d.level_2, d.level_3, d.level_4],
        })
        .collect())
}
