//! The session store: tower-sessions records in the `tower_sessions` table of whichever database
//! the app runs on, so a sign-in on one instance is valid on every other.
//!
//! Written here rather than taken from tower-sessions-sqlx-store because that crate has one
//! store per sqlx driver and none for the Any driver the app uses; the format is the same
//! (MessagePack records, the same table), at the cost of about eighty lines. The SQL is in
//! `server/db/web_sessions.rs`.
use crate::server::db::{web_sessions, Pool};
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
    crate::server::wall_clock_millis() / 1000
}

#[async_trait]
impl SessionStore for DbStore {
    /// A new record under an id no other session has (a collision draws a new id), and the
    /// sessions that have expired are dropped on the way.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        web_sessions::delete_expired(&self.pool, now_seconds())
            .await
            .map_err(backend)?;
        loop {
            let data = encode(record)?;
            let user = super::session::user_of(record);
            let expiry = record.expiry_date.unix_timestamp();
            let id = record.id.to_string();
            if web_sessions::insert_new(&self.pool, &id, &data, expiry, user)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// An existing record, written again (a change, or an idle deadline pushed back). A
    /// record deleted since this request read it is not written back: see `web_sessions::save`.
    ///
    /// That request's response still carries the dead session's cookie (tower-sessions sends
    /// it after any successful save), which signs that browser out if it arrives after the
    /// response that ended the session; an error instead would show the user a bare 500 for a
    /// page that rendered. Rare (a refresh falls due every 5 minutes), so it is only logged.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let saved = web_sessions::save(
            &self.pool,
            &record.id.to_string(),
            &encode(record)?,
            record.expiry_date.unix_timestamp(),
            super::session::user_of(record),
        )
        .await
        .map_err(backend)?;
        if !saved {
            tracing::info!("a session ended while a request was in flight was not written back");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data = web_sessions::load(&self.pool, &id.to_string(), now_seconds())
            .await
            .map_err(backend)?;
        data.map(|bytes| {
            rmp_serde::from_slice(&bytes).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        web_sessions::delete(&self.pool, &id.to_string())
            .await
            .map_err(backend)
    }
}
