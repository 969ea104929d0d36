//! The session store: tower-sessions records in the `tower_sessions` table of whichever database
//! the app runs on, so a sign-in on one instance is valid on every other.
//!
//! Written here rather than taken from tower-sessions-sqlx-store because that crate has one
//! store per sqlx driver and none for the Any driver the app uses; the format is the same
//! (MessagePack records, the same table), at the cost of about eighty lines.
use crate::server::db::Pool;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone, Debug)]
pub struct DbStore {
    pool: Pool,
}

impl DbStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn now_seconds() -> i64 {
    crate::server::now_millis() / 1000
}

#[async_trait]
impl SessionStore for DbStore {
    /// A new record under an id no other session has (a collision draws a new id), and the
    /// sessions that have expired are dropped on the way.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        sqlx::query("DELETE FROM tower_sessions WHERE expiry_date < $1")
            .bind(now_seconds())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        loop {
            let inserted: Option<String> = sqlx::query_scalar(
                "INSERT INTO tower_sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING RETURNING id",
            )
            .bind(record.id.to_string())
            .bind(encode(record)?)
            .bind(record.expiry_date.unix_timestamp())
            .bind(super::session::user_of(record))
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.is_some() {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query(
            "INSERT INTO tower_sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE
                SET data = excluded.data, expiry_date = excluded.expiry_date,
                    user_id = excluded.user_id",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .bind(super::session::user_of(record))
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT data FROM tower_sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(id.to_string())
        .bind(now_seconds())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        data.map(|bytes| {
            rmp_serde::from_slice(&bytes).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM tower_sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
