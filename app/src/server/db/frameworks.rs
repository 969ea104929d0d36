//! SQL for the general answer frameworks.
use crate::domain::library::{Framework, FrameworkCard};
use crate::server::db::{Conn, Flag, Pool};
use sqlx::FromRow;

#[derive(Clone, Debug, FromRow)]
pub struct ExistingFramework {
    pub id: i64,
    pub slug: String,
    pub content_hash: String,
    #[sqlx(try_from = "Flag")]
    pub archived: bool,
}

pub struct FrameworkRecord<'a> {
    pub slug: &'a str,
    pub position: i64,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub content_hash: &'a str,
}

pub async fn existing(conn: &mut Conn) -> Result<Vec<ExistingFramework>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, slug, content_hash, archived_at IS NOT NULL AS archived FROM frameworks",
    )
    .fetch_all(conn)
    .await
}

/// Insert a framework, or replace the text of the one with the same slug (and unarchive it).
pub async fn upsert(conn: &mut Conn, f: &FrameworkRecord<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO frameworks (slug, position, title, summary, body_md, body_html, content_hash,
                                 created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (slug) DO UPDATE SET
             position = excluded.position, title = excluded.title, summary = excluded.summary,
             body_md = excluded.body_md, body_html = excluded.body_html,
             content_hash = excluded.content_hash, archived_at = NULL,
             updated_at = excluded.updated_at",
    )
    .bind(f.slug)
    .bind(f.position)
    .bind(f.title)
    .bind(f.summary)
    .bind(f.body_md)
    .bind(f.body_html)
    .bind(f.content_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn archive(conn: &mut Conn, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE frameworks SET archived_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(pool: &Pool) -> Result<Vec<FrameworkCard>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT slug, title, summary FROM frameworks
          WHERE archived_at IS NULL ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, title, summary)| FrameworkCard {
            slug,
            title,
            summary,
        })
        .collect())
}

pub async fn get(pool: &Pool, slug: &str) -> Result<Option<Framework>, sqlx::Error> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT slug, title, summary, body_html FROM frameworks
          WHERE slug = $1 AND archived_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(slug, title, summary, html)| Framework {
        slug,
        title,
        summary,
        html,
    }))
}
