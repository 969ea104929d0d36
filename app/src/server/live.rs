//! Live sessions: every change the candidate screen shows raises the session's revision in the
//! database, then is announced here; candidate screens listen with server-sent events.
//!
//! The database is the truth and this hub only says "look again": a screen that missed
//! announcements (dropped connection, server restart, another instance) catches up by reading
//! the current state when it reconnects, which the stream prompts by sending the current
//! revision first.
//!
//! On SQLite there is one instance and announcements stay in the process. On PostgreSQL every
//! instance LISTENs on one channel and an announcement is a NOTIFY carrying ids only
//! (`session:revision`), so the interviewer's instance and the candidate's need not be the same.
//! When the listening connection drops, notifications sent meanwhile are lost: on reconnecting
//! the hub tells every open stream to look again (revision -1).
//!
//! Ending a session is announced as such: its streams send an `ended` event and close, so the
//! screen stops without a failed reconnection. Streams are capped per session (a candidate's
//! tabs, an interviewer's console and shadows; more is someone hammering a leaked link, 429)
//! and per instance (each holds a connection, 503 with Retry-After).
use super::db::{Backend, Pool};
use super::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::{wrappers::BroadcastStream, StreamExt};

/// The PostgreSQL channel of announcements.
pub const CHANNEL: &str = "coach_live";
/// "Every session: look again" (after the listener missed notifications).
const EVERYONE: i64 = 0;
/// Open streams one session may have on an instance.
pub const MAX_STREAMS_PER_SESSION: usize = 24;
/// Open streams an instance serves at once.
pub const MAX_STREAMS: usize = 4_000;

/// One announcement: `session` is now at `revision` (session 0 with revision -1: everyone look
/// again); `ended` when that change ended the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub session: i64,
    pub revision: i64,
    pub ended: bool,
}

impl Change {
    /// The NOTIFY payload: `session:revision`, with `:end` for the end.
    fn payload(self) -> String {
        let end = if self.ended { ":end" } else { "" };
        format!("{}:{}{end}", self.session, self.revision)
    }

    fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.split(':');
        let session = parts.next()?.parse().ok()?;
        let revision = parts.next()?.parse().ok()?;
        let ended = match parts.next() {
            None => false,
            Some("end") => true,
            Some(_) => return None,
        };
        Some(Self {
            session,
            revision,
            ended,
        })
    }
}

pub struct Hub {
    tx: broadcast::Sender<Change>,
    backend: Backend,
    listener: Option<tokio::task::AbortHandle>,
    /// open streams per session on this instance
    open: Arc<Mutex<HashMap<i64, usize>>>,
}

/// One open stream, counted for as long as it lives.
struct Opened {
    open: Arc<Mutex<HashMap<i64, usize>>>,
    session: i64,
}

impl Drop for Opened {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.session);
            }
        }
    }
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    SessionFull,
    InstanceFull,
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

impl Hub {
    /// The hub of an app on `pool`: on PostgreSQL, with a task listening for the other
    /// instances' announcements (ended when the hub is dropped).
    pub fn for_pool(pool: &Pool) -> Self {
        let mut hub = Self {
            tx: broadcast::channel(256).0,
            backend: Backend::of(pool),
            listener: None,
            open: Arc::default(),
        };
        if hub.backend == Backend::Postgres {
            let url = pool.connect_options().database_url.to_string();
            let task = tokio::spawn(listen(url, hub.tx.clone()));
            hub.listener = Some(task.abort_handle());
        }
        hub
    }

    /// Open event streams (candidate screens and consoles listening) on this instance.
    pub fn listeners(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Count a new stream of `session`, or refuse it when the session or the instance has as
    /// many as it may.
    fn open(&self, session: i64) -> Result<Opened, Refused> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.values().sum::<usize>() >= MAX_STREAMS {
            return Err(Refused::InstanceFull);
        }
        let n = open.entry(session).or_default();
        if *n >= MAX_STREAMS_PER_SESSION {
            return Err(Refused::SessionFull);
        }
        *n += 1;
        Ok(Opened {
            open: self.open.clone(),
            session,
        })
    }

    /// Open streams of `session` on this instance.
    pub fn streams_of(&self, session: i64) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&session).copied().unwrap_or_default()
    }

    /// Announce that `session` is now at `revision`, to this instance's streams and, on
    /// PostgreSQL, every other instance's. Nobody listening is fine; a failed NOTIFY is logged
    /// (screens elsewhere catch up when they next reconnect).
    pub async fn announce(&self, pool: &Pool, session: i64, revision: i64) {
        self.send(
            pool,
            Change {
                session,
                revision,
                ended: false,
            },
        )
        .await;
    }

    /// Announce that `session` has ended (at `revision`): its streams say so and close.
    pub async fn announce_end(&self, pool: &Pool, session: i64, revision: i64) {
        self.send(
            pool,
            Change {
                session,
                revision,
                ended: true,
            },
        )
        .await;
    }

    async fn send(&self, pool: &Pool, change: Change) {
        if self.backend == Backend::Postgres {
            let sent = crate::server::db::sessions::notify(pool, CHANNEL, &change.payload()).await;
            match sent {
                Ok(_) => return,
                Err(e) => {
                    tracing::warn!(error = %e, session = change.session, "live: NOTIFY failed")
                }
            }
        }
        let _ = self.tx.send(change);
    }
}

/// Listen for announcements until aborted, reconnecting with a growing pause (at most 5 s)
/// when PostgreSQL cannot be reached. Each (re)connection, once listening, resyncs every open
/// stream.
async fn listen(url: String, tx: broadcast::Sender<Change>) {
    let mut pause = Duration::from_millis(100);
    loop {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live: cannot listen on PostgreSQL; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        // Our own reconnections below, not PgListener's silent ones: each is followed by the
        // resync.
        listener.eager_reconnect(false);
        let _ = tx.send(Change {
            session: EVERYONE,
            revision: -1,
            ended: false,
        });
        let listening = tokio::time::Instant::now();
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => {
                    if let Some(change) = Change::parse(note.payload()) {
                        let _ = tx.send(change);
                    }
                }
                // The connection dropped. Listen again on a new one, then (above) tell every
                // screen to look again: whatever was announced in between is lost.
                Ok(None) => {
                    tracing::warn!("live: listener connection lost; reconnecting");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live: listener failed; reconnecting");
                    break;
                }
            }
        }
        // A connection that keeps dropping as soon as it listens is retried ever more slowly
        // (each retry makes every screen read again); one that held for a while, at once.
        if listening.elapsed() > Duration::from_secs(30) {
            pause = Duration::from_millis(100);
        } else {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// GET /join/{token}/events: a `revision` event now and after every change; when the session
/// ends, an `ended` event, and the stream closes. 404 for an unknown token; an ended session's
/// stream is that one `ended` event; 429 when the session already has as many streams as it may, 503 when the instance
/// has.
pub async fn events(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    // Listening before reading the current revision: a change between the two is then heard,
    // not lost.
    let announcements = state.live.tx.subscribe();
    let head = match super::db::sessions::by_token(&state.pool, &token).await {
        Ok(Some(head)) => head,
        Ok(None) => return (StatusCode::NOT_FOUND, "No such session.").into_response(),
        Err(e) => {
            let error = crate::domain::error::AppError::internal(e);
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    if head.status() == crate::domain::session::SessionStatus::Ended {
        // A screen reconnecting after the end (it missed the last event, or the network
        // dropped) hears the end as an event, not as a failed request: the browser's console
        // stays quiet and the screen says the interview is over.
        // A day before trying again, for a client that does not close on `ended`.
        let ended = Event::default()
            .event("ended")
            .retry(Duration::from_secs(86_400))
            .data(head.revision.to_string());
        return Sse::new(tokio_stream::once(Ok::<_, std::convert::Infallible>(ended)))
            .into_response();
    }
    let session = head.id;
    let opened = match state.live.open(session) {
        Ok(opened) => opened,
        Err(Refused::SessionFull) => {
            tracing::warn!(session, "live: stream refused, the session has too many");
            return (
                StatusCode::TOO_MANY_REQUESTS,
                "This session has too many open screens.",
            )
                .into_response();
        }
        Err(Refused::InstanceFull) => {
            tracing::warn!(session, "live: stream refused, this instance is full");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "10")],
                "Too many live screens right now; try again shortly.",
            )
                .into_response();
        }
    };
    let first = tokio_stream::once(Change {
        session,
        revision: head.revision,
        ended: false,
    });
    let changes = BroadcastStream::new(announcements).filter_map(move |message| match message {
        Ok(c) if c.session == session => Some(c),
        Ok(c) if c.session == EVERYONE => Some(Change { session, ..c }),
        Ok(_) => None,
        // Fell behind: say "look again" with an unknown revision.
        Err(_) => Some(Change {
            session,
            revision: -1,
            ended: false,
        }),
    });
    // The end is the last thing said: the stream stops right after it (and the count of open
    // streams goes down when it does).
    let until_end = UntilEnd {
        changes: Box::pin(first.chain(changes)),
        over: false,
        _counted: opened,
    };
    // The revision is also the event id, so a browser reconnecting (to this instance or
    // another) says in `Last-Event-ID` where it was; the current revision it gets first tells
    // it whether anything changed meanwhile. "Look again" (-1) carries no id.
    let stream = until_end.map(|c| {
        let event = if c.ended {
            Event::default()
                .event("ended")
                .retry(Duration::from_secs(86_400))
                .data(c.revision.to_string())
        } else {
            Event::default()
                .event("revision")
                .data(c.revision.to_string())
        };
        Ok::<_, std::convert::Infallible>(if c.revision >= 0 {
            event.id(c.revision.to_string())
        } else {
            event
        })
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The changes of one stream up to and including the end of the session; then nothing.
struct UntilEnd {
    changes: std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Change> + Send>>,
    over: bool,
    /// the stream's place in the per-session count, given back when it is dropped
    _counted: Opened,
}

impl tokio_stream::Stream for UntilEnd {
    type Item = Change;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Change>> {
        if self.over {
            return std::task::Poll::Ready(None);
        }
        let next = self.changes.as_mut().poll_next(cx);
        if let std::task::Poll::Ready(Some(c)) = &next {
            self.over = c.ended;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_travel_as_text_and_back() {
        for change in [
            Change {
                session: 7,
                revision: 12,
                ended: false,
            },
            Change {
                session: 7,
                revision: 13,
                ended: true,
            },
            Change {
                session: 0,
                revision: -1,
                ended: false,
            },
        ] {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("7:x"), None);
        assert_eq!(Change::parse("7:1:later"), None);
    }
}
