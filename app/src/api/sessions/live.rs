//! A mock session while it runs: the interviewer ticks key points, reveals follow-ups, writes
//! notes, moves between scenarios and ends it; the candidate's screen follows by its token.
//! Every function here but `join_screen` is for the session's interviewer alone
//! (`conducted`), and refused once the session has ended.
use crate::domain::error::AppError;
use crate::domain::session::CandidateScreen;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::conducted;
#[cfg(feature = "ssr")]
use crate::{
    domain::{
        policy::Action,
        practice::Mark,
        session::{SessionStatus, MAX_NOTES_CHARS},
    },
    server::{
        auth::{asker, Asker},
        db::{self, sessions as store},
        now_millis,
    },
};

/// The item on screen in a live session the asker conducts.
#[cfg(feature = "ssr")]
async fn current_item(session: i64) -> Result<(Asker, store::SessionHead, store::Item), AppError> {
    let (who, head) = conducted(session, true).await?;
    let item = store::items(&who.state.pool, session)
        .await?
        .into_iter()
        .find(|i| i.position == head.current_position)
        .ok_or_else(|| AppError::internal("current item missing"))?;
    Ok((who, head, item))
}

/// Tick a key point of the scenario on screen: covered, partly, missed, or "" to clear.
#[server]
pub async fn mark_key_point(session_id: i64, key: String, mark: String) -> Result<(), AppError> {
    let (who, _, item) = current_item(session_id).await?;
    let pool = &who.state.pool;
    let mark = match mark.as_str() {
        "" => None,
        m => Some(Mark::parse(m).ok_or_else(|| {
            AppError::invalid("mark", "Mark a key point covered, partly or missed.")
        })?),
    };
    let detail = db::scenarios::get_version(pool, item.version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !detail.key_points.iter().any(|k| k.key == key) {
        return Err(AppError::invalid(
            "key",
            "This scenario has no such key point.",
        ));
    }
    store::set_mark(pool, item.id, &key, mark, now_millis()).await?;
    crate::server::http::redirect_form(&format!("/sessions/{session_id}#checklist"));
    Ok(())
}

/// Show follow-up `follow_up` (its position) on the candidate's screen.
#[server]
pub async fn reveal_follow_up(session_id: i64, follow_up: i64) -> Result<(), AppError> {
    let (who, _, item) = current_item(session_id).await?;
    let pool = &who.state.pool;
    let detail = db::scenarios::get_version(pool, item.version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if follow_up < 0 || follow_up as usize >= detail.follow_ups.len() {
        return Err(AppError::invalid(
            "follow_up",
            "This scenario has no such follow-up.",
        ));
    }
    let revision = store::reveal(pool, session_id, item.id, follow_up, now_millis()).await?;
    who.state
        .live
        .announce(&who.state.pool, session_id, revision)
        .await;
    crate::server::http::redirect_form(&format!("/sessions/{session_id}#follow-ups"));
    Ok(())
}

#[cfg(feature = "ssr")]
async fn write_notes(session_id: i64, notes: &str) -> Result<i64, AppError> {
    let (who, _) = conducted(session_id, true).await?;
    let chars = notes.chars().count();
    if chars > MAX_NOTES_CHARS {
        return Err(AppError::invalid(
            "notes",
            format!("Notes are {chars} characters long; the limit is {MAX_NOTES_CHARS}."),
        ));
    }
    if !store::set_notes(&who.state.pool, session_id, notes).await? {
        return Err(AppError::Conflict("This session has ended.".into()));
    }
    Ok(now_millis())
}

/// Autosave of the interviewer's notes (from the notes box).
#[server]
pub async fn autosave_session_notes(session_id: i64, notes: String) -> Result<i64, AppError> {
    write_notes(session_id, &notes).await
}

/// The notes form's "Save notes" (without JavaScript).
#[server]
pub async fn save_session_notes(session_id: i64, notes: String) -> Result<(), AppError> {
    write_notes(session_id, &notes).await?;
    leptos_axum::redirect(&format!("/sessions/{session_id}?saved=notes#session-notes"));
    Ok(())
}

/// Put scenario `position` on screen (the next one, or back to an earlier one).
#[server]
pub async fn go_to_scenario(session_id: i64, position: i64) -> Result<(), AppError> {
    let (who, _) = conducted(session_id, true).await?;
    let pool = &who.state.pool;
    let items = store::items(pool, session_id).await?;
    if !items.iter().any(|i| i.position == position) {
        return Err(AppError::invalid(
            "position",
            "This session has no such scenario.",
        ));
    }
    let revision = store::go_to(pool, session_id, position, now_millis()).await?;
    who.state
        .live
        .announce(&who.state.pool, session_id, revision)
        .await;
    leptos_axum::redirect(&format!("/sessions/{session_id}"));
    Ok(())
}

/// End the session: the join link stops working; scorecards can still be written.
#[server]
pub async fn end_session(session_id: i64) -> Result<(), AppError> {
    let (who, _) = conducted(session_id, true).await?;
    let revision = store::end(&who.state.pool, session_id, now_millis()).await?;
    who.state
        .live
        .announce_end(&who.state.pool, session_id, revision)
        .await;
    tracing::info!(session_id, "mock session ended");
    leptos_axum::redirect(&format!("/sessions/{session_id}#scorecard"));
    Ok(())
}

/// What the candidate's screen shows, for whoever holds the join link: 404 for an unknown
/// token, 410 once the session has ended.
#[server]
pub async fn join_screen(token: String) -> Result<CandidateScreen, AppError> {
    let who = asker(Action::ReadLibrary).await?;
    let pool = &who.state.pool;
    let head = store::by_token(pool, token.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if head.status() == SessionStatus::Ended {
        return Err(AppError::Gone(
            "This interview has ended. Thank you! Your interviewer will be in touch.".into(),
        ));
    }
    let items = store::items(pool, head.id).await?;
    let item = items
        .iter()
        .find(|i| i.position == head.current_position)
        .ok_or_else(|| AppError::internal("current item missing"))?;
    let detail = db::scenarios::get_version(pool, item.version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let revealed = store::reveals(pool, item.id).await?;
    if item.shown_at.is_none() {
        store::mark_shown(pool, item.id, now_millis()).await?;
    }
    Ok(CandidateScreen {
        status: head.status(),
        candidate: head.candidate,
        revision: head.revision,
        position: item.position,
        count: items.len() as i64,
        title: detail.title,
        prompt_html: detail.prompt_html,
        revealed: revealed
            .iter()
            .filter_map(|p| detail.follow_ups.get(*p as usize).map(|f| f.html.clone()))
            .collect(),
        item_started_at: item.started_at.unwrap_or(head.created_at),
        session_started_at: head.created_at,
        planned_minutes: head.planned_minutes,
        now: now_millis(),
    })
}
