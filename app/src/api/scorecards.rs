//! Scorecards of mock sessions: the interviewer's and shadows' scorecards, their amendments,
//! and sharing one with the candidate. Who may: `super::sessions::observed` (interviewer or
//! shadow) to score, `conducted` (the interviewer) to share.
// The browser build's stubs that #[server] generates take the same arguments and do not see
// the allowance on the server function; they hold no logic of ours.
#![cfg_attr(
    not(feature = "ssr"),
    allow(clippy::too_many_arguments, reason = "generated client stubs")
)]
use crate::domain::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use super::sessions::{conducted, observed};
#[cfg(feature = "ssr")]
use crate::{
    domain::{error::Invalid, session::MAX_NOTES_CHARS},
    server::{
        db::{self, sessions as store},
        now_millis,
    },
};

/// Submit a scorecard for scenario `position`: every dimension 1 to 4, every key point, a
/// recommendation at a target level, feedback and evidence. With `amends` (the id of one's own
/// earlier scorecard) and a `reason`, it is an amendment: the earlier one stays as it was.
#[allow(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]
#[server]
pub async fn submit_session_scorecard(
    session_id: i64,
    position: i64,
    #[server(default)] scores: BTreeMap<String, String>,
    #[server(default)] marks: BTreeMap<String, String>,
    #[server(default)] recommendation: String,
    #[server(default)] target_level: String,
    #[server(default)] feedback: String,
    #[server(default)] evidence: String,
    #[server(default)] amends: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::domain::practice::ScorerKind;
    use crate::domain::taxonomy::Level;
    let (who, _, _) = observed(session_id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let item = store::items(pool, session_id)
        .await?
        .into_iter()
        .find(|i| i.position == position)
        .ok_or_else(|| AppError::invalid("position", "This session has no such scenario."))?;
    let rubric = db::rubric::current(pool)
        .await?
        .ok_or_else(|| AppError::internal("no rubric loaded"))?;
    let detail = db::scenarios::get_version(pool, item.version_id)
        .await?
        .ok_or(AppError::NotFound)?;

    let dimensions = rubric.applicable(&detail.not_applicable);
    let (chosen, ticked, mut invalid) = crate::domain::practice::read_scorecard(
        &dimensions,
        &detail.key_points,
        &scores,
        &marks,
        Invalid::default()
            .keep("recommendation", &recommendation)
            .keep("target_level", &target_level)
            .keep("reason", &reason),
    );
    if !rubric
        .recommendations
        .iter()
        .any(|r| r.key == recommendation)
    {
        invalid = invalid.field("recommendation", "Choose a recommendation.");
    }
    if Level::parse(target_level.trim()).is_err() {
        invalid = invalid.field("target_level", "Choose the level you are recommending for.");
    }
    if feedback.trim().is_empty() {
        invalid = invalid.field("feedback", "Write the feedback the candidate would hear.");
    }
    for (name, text) in [("feedback", &feedback), ("evidence", &evidence)] {
        if text.chars().count() > MAX_NOTES_CHARS {
            invalid = invalid.field(name, format!("Keep it under {MAX_NOTES_CHARS} characters."));
        }
    }
    let amends = match amends.trim() {
        "" => None,
        a => match a.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Err(AppError::BadRequest("Unknown scorecard to amend.".into())),
        },
    };
    if amends.is_some() && reason.trim().is_empty() {
        invalid = invalid.field("reason", "Say why you are amending the scorecard.");
    }
    if !invalid.is_empty() {
        // Typed text comes back with the form, unless it is too long to travel in the
        // redirect of a no-JavaScript post (the browser's back button still has it).
        if feedback.len() + evidence.len() <= 3000 {
            invalid = invalid
                .keep("feedback", &feedback)
                .keep("evidence", &evidence);
        }
        return Err(AppError::Validation(invalid));
    }

    let mut tx = db::begin_write(pool).await?;
    let already = store::has_scored(&mut tx, item.attempt_id, me).await?;
    match (amends, already) {
        (None, true) => {
            return Err(AppError::Conflict(
                "You have already submitted a scorecard for this scenario. Amend it instead."
                    .into(),
            ))
        }
        (Some(_), false) => {
            return Err(AppError::Conflict(
                "There is no scorecard of yours to amend yet.".into(),
            ))
        }
        (Some(id), true) => {
            if !store::is_own_card(&mut tx, id, item.attempt_id, me).await? {
                return Err(AppError::Forbidden);
            }
        }
        (None, false) => {}
    }
    let card = db::practice::NewScorecard {
        attempt_id: item.attempt_id,
        scorer_id: me,
        kind: ScorerKind::Interviewer,
        rubric_version_id: rubric.version,
        scores: &chosen,
        marks: &ticked,
        now: now_millis(),
    };
    let extra = store::InterviewerCard {
        recommendation: &recommendation,
        target_level: target_level.trim(),
        feedback_md: &feedback,
        notes_md: &evidence,
        amends: amends.map(|id| (id, reason.trim())),
    };
    store::insert_interviewer_card(&mut tx, &card, &extra).await?;
    // A scenario scored was asked (by phone, say, with no screen open): from now on it is part
    // of the candidate's interview, and theirs to see.
    store::mark_shown(&mut *tx, item.id, card.now).await?;
    crate::server::db::commit(tx).await?;
    leptos_axum::redirect(&format!("/sessions/{session_id}?saved=scorecard#scorecard"));
    Ok(())
}

/// Share scenario `position`'s scorecard with the candidate (an account holder): it joins their
/// history beside their self-scores, and counts as a review in their practice schedule.
#[server]
pub async fn share_scorecard(session_id: i64, position: i64) -> Result<(), AppError> {
    use crate::domain::practice::{mean, rating_for_mean};
    let (who, head) = conducted(session_id, false).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let Some(candidate) = head.candidate_id else {
        return Err(AppError::Conflict(
            "A guest has no account to share with. Send the feedback yourself.".into(),
        ));
    };
    let item = store::items(pool, session_id)
        .await?
        .into_iter()
        .find(|i| i.position == position)
        .ok_or_else(|| AppError::invalid("position", "This session has no such scenario."))?;
    let cards = store::interviewer_cards(pool, item.attempt_id).await?;
    // The interviewer's latest word: their last amendment, or their scorecard.
    let Some(latest) = cards.iter().rev().find(|c| c.scorer_id == Some(me)) else {
        return Err(AppError::Conflict(
            "Submit your scorecard before sharing it.".into(),
        ));
    };
    if item.shared_at.is_some() {
        leptos_axum::redirect(&format!("/sessions/{session_id}#scorecard"));
        return Ok(());
    }
    let now = now_millis();
    let attempt = db::practice::core(pool, item.attempt_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rating = rating_for_mean(mean(latest.card.scores.iter().map(|s| s.score as f64)));
    let mut tx = db::begin_write(pool).await?;
    store::mark_shared(&mut tx, item.id, now).await?;
    let previous = db::practice::review_state(&mut tx, candidate, attempt.scenario_id).await?;
    let next = crate::server::schedule::review(previous.as_ref(), rating, now);
    db::practice::put_review_state(&mut tx, candidate, attempt.scenario_id, attempt.id, &next)
        .await?;
    crate::server::db::commit(tx).await?;
    leptos_axum::redirect(&format!("/sessions/{session_id}?saved=shared#scorecard"));
    Ok(())
}
