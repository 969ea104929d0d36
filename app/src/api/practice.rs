//! Practising alone: start an attempt, write (autosaved), submit, self-score, see the answer key;
//! the dashboard of what to practise next and the history of scores.
//!
//! Every function asks the policy first: practising needs an account, and an attempt is only
//! ever seen or changed by its candidate (403 for anyone else, signed in or not).
use crate::domain::error::AppError;
use crate::domain::practice::{Attempt, Comparison, Dashboard, History};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        error::Invalid,
        policy::Action,
        practice::{ScorerKind, Stage, MAX_ANSWER_CHARS, TIME_LIMITS_MIN},
    },
    server::{
        auth::{asker, Asker},
        db::{self, history, practice as store},
        now_millis,
    },
};

/// The attempt `id`, after checking that the asker is its candidate.
#[cfg(feature = "ssr")]
async fn own_attempt(id: i64) -> Result<(Asker, store::AttemptCore), AppError> {
    let who = asker(Action::Practise).await?;
    let core = store::core(&who.state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A guest's attempt (mock session) belongs to no account.
    let candidate_id = core.candidate_id.ok_or(AppError::Forbidden)?;
    crate::domain::policy::authorize(who.user.as_ref(), Action::OwnAttempt { candidate_id })?;
    // A mock scenario the interviewer has not put on screen does not exist for the candidate.
    if !core.shown_to_candidate {
        return Err(AppError::NotFound);
    }
    Ok((who, core))
}

/// The answer of a mock-session attempt is the interview itself: nothing to type or submit.
#[cfg(feature = "ssr")]
fn written_practice(core: &store::AttemptCore) -> Result<(), AppError> {
    if core.mode == "practice" {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This attempt was a mock interview; there is no written answer to change.".into(),
        ))
    }
}

#[cfg(feature = "ssr")]
fn check_length(answer: &str) -> Result<(), AppError> {
    let chars = answer.chars().count();
    if chars > MAX_ANSWER_CHARS {
        // The text is not kept in the error: it would not fit in a redirect, and the page keeps
        // the last saved draft while the browser keeps what was typed.
        return Err(AppError::invalid(
            "answer",
            format!(
                "Your answer is {chars} characters long; the limit is {MAX_ANSWER_CHARS}. \
                 Shorten it and try again."
            ),
        ));
    }
    Ok(())
}

/// Start practising version `version` of scenario `slug`, with an optional time limit in
/// minutes (empty: none). An unfinished attempt at the same scenario is resumed instead.
#[server]
pub async fn start_attempt(
    slug: String,
    version: String,
    #[server(default)] time_limit: String,
) -> Result<(), AppError> {
    let who = asker(Action::Practise).await?;
    let user = who.signed_in()?;
    let time_limit_s = match time_limit.trim() {
        "" | "none" => None,
        t => match t.parse::<i64>() {
            Ok(m) if TIME_LIMITS_MIN.contains(&m) => Some(m * 60),
            _ => {
                return Err(AppError::invalid(
                    "time_limit",
                    "Choose a time limit from the list, or none.",
                ))
            }
        },
    };
    let not_found = || {
        AppError::invalid(
            "version",
            "That version of the scenario does not exist. Open the scenario again and start from there.",
        )
    };
    let version: i64 = version.trim().parse().map_err(|_| not_found())?;
    let viewer = crate::server::db::scenarios::Viewer(Some(user.id));
    let target = store::start_target(&who.state.pool, viewer, slug.trim(), version)
        .await?
        .ok_or_else(not_found)?;
    if let Some(open) = store::open_draft(&who.state.pool, user.id, target.scenario_id).await? {
        leptos_axum::redirect(&format!("/practice/{open}?resumed=1"));
        return Ok(());
    }
    let id = store::create(
        &who.state.pool,
        user.id,
        target.version_id,
        time_limit_s,
        now_millis(),
    )
    .await?;
    tracing::info!(user_id = user.id, attempt_id = id, "attempt started");
    leptos_axum::redirect(&format!("/practice/{id}"));
    Ok(())
}

/// One of the asker's attempts, with what its stage shows. The answer key, the hints and the
/// scorecards are only sent once the attempt is self-scored.
#[server]
pub async fn get_attempt(id: i64) -> Result<Attempt, AppError> {
    use crate::server::markdown;
    let (who, core) = own_attempt(id).await?;
    let pool = &who.state.pool;
    let cards = store::scorecards(pool, id, true).await?;
    let (self_card, other_cards): (Vec<_>, Vec<_>) = cards
        .into_iter()
        .partition(|c| c.kind == ScorerKind::SelfScore);
    let self_card = self_card.into_iter().next();
    let stage = match (core.submitted_at, &self_card) {
        (None, _) => Stage::Answering,
        (Some(_), None) => Stage::Scoring,
        (Some(_), Some(_)) => Stage::Reviewed,
    };
    let detail = db::scenarios::get_version(pool, core.version_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("attempt {id}: version missing")))?;
    let dimensions = match stage {
        Stage::Answering => vec![],
        _ => db::rubric::current(pool)
            .await?
            .ok_or_else(|| AppError::internal("no rubric loaded"))?
            .applicable(&detail.not_applicable),
    };
    let reviewed = stage == Stage::Reviewed;
    // The reading stored when the answer was submitted; an answer from before the assessor
    // is read now (and not stored: what is stored is never rewritten).
    let reading = if reviewed && core.answer_key_visible && core.mode == "practice" {
        match db::assessments::get(pool, id).await? {
            Some(stored) => stored,
            None => {
                let (prompt, key_points) = db::assessments::inputs(pool, core.version_id)
                    .await?
                    .unwrap_or_default();
                (
                    crate::domain::assess::METHOD.to_string(),
                    crate::server::practice::assess(core.answer_md.clone(), prompt, key_points)
                        .await?,
                )
            }
        }
    } else {
        (String::new(), Vec::new())
    };
    Ok(Attempt {
        id,
        scenario: core.scenario(),
        outdated: !core.is_current,
        prompt_html: core.prompt_html.clone(),
        time_limit_s: core.time_limit_s,
        started_at: core.started_at,
        now: now_millis(),
        answer_html: if stage != Stage::Answering {
            markdown::to_html(&core.answer_md)
        } else {
            String::new()
        },
        assessment: reading.1,
        assessment_method: reading.0,
        answer_md: core.answer_md,
        draft_saved_at: core.draft_saved_at,
        submitted_at: core.submitted_at,
        duration_ms: core.duration_ms,
        stage,
        mock: core.mode == "mock",
        calibration_consent_at: core.calibration_consent_at,
        // A team's scenario the candidate is not on the team of (a mock interview by that
        // team): its key points and answer key are the team's interview material, never shown.
        key_points: if stage == Stage::Answering || !core.answer_key_visible {
            vec![]
        } else {
            detail.key_points
        },
        dimensions,
        sections: if reviewed && core.answer_key_visible {
            detail.sections
        } else {
            vec![]
        },
        self_card,
        // The interviewer's key-point ticks name the key points: hidden with the answer key.
        other_cards: match (reviewed, core.answer_key_visible) {
            (false, _) => vec![],
            (true, true) => other_cards,
            (true, false) => other_cards
                .into_iter()
                .map(|mut card| {
                    card.marks.clear();
                    card
                })
                .collect(),
        },
        next_due: match core.candidate_id {
            Some(candidate) => store::due_at(pool, candidate, core.scenario_id).await?,
            None => None,
        },
    })
}

/// Autosave from the answer box: store the draft, answer when it was saved.
#[server]
pub async fn save_draft(attempt_id: i64, answer: String) -> Result<i64, AppError> {
    let (who, core) = own_attempt(attempt_id).await?;
    written_practice(&core)?;
    check_length(&answer)?;
    let now = now_millis();
    if !store::save_draft(&who.state.pool, attempt_id, &answer, now).await? {
        return Err(AppError::Conflict(
            "This answer has been submitted and can no longer change.".into(),
        ));
    }
    Ok(now)
}

/// The answer form: save the draft (`intent=save`, the no-JavaScript way to keep work), or
/// submit the answer for good (`intent=submit`). A refused submit still saves the draft.
#[server]
pub async fn save_answer(
    attempt_id: i64,
    answer: String,
    #[server(default)] intent: String,
) -> Result<(), AppError> {
    let (who, core) = own_attempt(attempt_id).await?;
    written_practice(&core)?;
    check_length(&answer)?;
    let pool = &who.state.pool;
    let now = now_millis();
    let submit = match intent.as_str() {
        "submit" => true,
        "save" | "" => false,
        _ => return Err(AppError::BadRequest("Unknown form action.".into())),
    };
    let closed = || {
        AppError::Conflict(
            "This answer has already been submitted and can no longer change.".into(),
        )
    };
    if core.submitted_at.is_some() {
        // Checked before any work: a final answer is never read (or assessed) again.
        return Err(closed());
    }
    if submit && answer.trim().is_empty() {
        // Refused before anything is written: the saved draft stays as it was.
        return Err(AppError::invalid(
            "answer",
            "Write an answer before submitting it.",
        ));
    }
    if !submit {
        if !store::save_draft(pool, attempt_id, &answer, now).await? {
            return Err(closed());
        }
        leptos_axum::redirect(&format!("/practice/{attempt_id}?saved=1"));
        return Ok(());
    }
    // The assessor's reading is made once, when the answer is final, and kept with it.
    let findings = match db::assessments::inputs(pool, core.version_id).await? {
        Some((prompt, key_points)) => {
            Some(crate::server::practice::assess(answer.clone(), prompt, key_points).await?)
        }
        None => None,
    };
    let reading = findings
        .as_deref()
        .map(|f| (crate::domain::assess::METHOD, f));
    if !store::submit(pool, attempt_id, &answer, now, reading).await? {
        return Err(closed());
    }
    tracing::info!(attempt_id, "answer submitted");
    leptos_axum::redirect(&format!("/practice/{attempt_id}"));
    Ok(())
}

/// The candidate's self-scorecard: every rubric dimension 1 to 4 (`scores[key]`) and every key
/// point covered / partly / missed (`marks[key]`). Final once stored; it is also the review that
/// schedules the scenario again.
#[server]
pub async fn submit_self_score(
    attempt_id: i64,
    #[server(default)] scores: BTreeMap<String, String>,
    #[server(default)] marks: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::domain::practice::{mean, rating_for_mean};
    use crate::server::schedule;

    let (who, core) = own_attempt(attempt_id).await?;
    let user = who.signed_in()?.clone();
    let pool = &who.state.pool;
    if core.submitted_at.is_none() {
        return Err(AppError::Conflict(
            "Submit your answer before scoring it.".into(),
        ));
    }
    let rubric = db::rubric::current(pool)
        .await?
        .ok_or_else(|| AppError::internal("no rubric loaded"))?;
    let detail = db::scenarios::get_version(pool, core.version_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("attempt {attempt_id}: version missing")))?;

    // A scenario whose answer key the candidate may not read (a team's, asked in a mock by a
    // team they are not on) is scored on the rubric alone: its key points are never named to
    // them, not even in an error.
    let key_points: &[_] = if core.answer_key_visible {
        &detail.key_points
    } else {
        &[]
    };
    let dimensions = rubric.applicable(&detail.not_applicable);
    let (chosen, ticked, invalid) = crate::domain::practice::read_scorecard(
        &dimensions,
        key_points,
        &scores,
        &marks,
        Invalid::default(),
    );
    let unknown = scores
        .keys()
        .any(|k| !dimensions.iter().any(|d| &d.key == k))
        || marks
            .keys()
            .any(|k| !key_points.iter().any(|p| &p.key == k));
    if unknown && invalid.is_empty() {
        return Err(AppError::BadRequest(
            "The form names a rubric dimension or key point this attempt does not have. Reload the page."
                .into(),
        ));
    }
    if !invalid.is_empty() {
        return Err(AppError::Validation(invalid));
    }

    let now = now_millis();
    let mut tx = db::begin_write(pool).await?;
    let card = store::NewScorecard {
        attempt_id,
        scorer_id: user.id,
        kind: ScorerKind::SelfScore,
        rubric_version_id: rubric.version,
        scores: &chosen,
        marks: &ticked,
        now,
    };
    match store::insert_scorecard(&mut tx, &card).await {
        Ok(_) => {}
        Err(store::ScorecardError::AlreadyScored) => {
            return Err(AppError::Conflict(
                "You have already scored this attempt; a self-score is final. Start a new attempt to improve on it."
                    .into(),
            ))
        }
        Err(store::ScorecardError::Db(e)) => return Err(e.into()),
    }
    let rating = rating_for_mean(mean(chosen.iter().map(|(_, s)| *s as f64)));
    // Only a scenario the candidate can see is scheduled for them to practise again.
    if core.answer_key_visible {
        let previous = store::review_state(&mut tx, user.id, core.scenario_id).await?;
        let next = schedule::review(previous.as_ref(), rating, now);
        store::put_review_state(&mut tx, user.id, core.scenario_id, attempt_id, &next).await?;
    }
    crate::server::db::commit(tx).await?;
    tracing::info!(attempt_id, rating, "self-scored");
    leptos_axum::redirect(&format!("/practice/{attempt_id}#result"));
    Ok(())
}

/// The practice dashboard: what is due, what to practise next, weakest dimensions.
#[server]
pub async fn practice_dashboard() -> Result<Dashboard, AppError> {
    let who = asker(Action::Practise).await?;
    let user = who.signed_in()?;
    crate::server::practice::dashboard(&who.state.pool, user.id, now_millis()).await
}

/// Score history, progress through the library and the attempts list, filtered by the raw
/// URL values `topic` and `scenario`.
#[server]
pub async fn practice_history(
    #[server(default)] topic: String,
    #[server(default)] scenario: String,
) -> Result<History, AppError> {
    use crate::domain::practice::HistoryFilter;
    use crate::domain::taxonomy::Topic;
    let who = asker(Action::Practise).await?;
    let user = who.signed_in()?;
    let topic = match topic.trim() {
        "" => None,
        t => Some(Topic::parse(t).map_err(|m| AppError::invalid("topic", m))?),
    };
    let scenario = Some(scenario.trim().to_string()).filter(|s| !s.is_empty());
    crate::server::practice::history(&who.state.pool, user.id, HistoryFilter { topic, scenario })
        .await
}

/// Two of the asker's attempts at the same scenario, side by side.
#[server]
pub async fn compare_attempts(a: i64, b: i64) -> Result<Comparison, AppError> {
    let (first, second) = (get_attempt(a).await?, get_attempt(b).await?);
    if first.scenario.slug != second.scenario.slug {
        return Err(AppError::invalid(
            "b",
            "Only attempts at the same scenario can be compared.",
        ));
    }
    let who = asker(Action::Practise).await?;
    let user = who.signed_in()?;
    let choices = history::rows(
        &who.state.pool,
        user.id,
        &crate::domain::practice::HistoryFilter {
            topic: None,
            scenario: Some(first.scenario.slug.clone()),
        },
        None,
        200,
    )
    .await?;
    Ok(Comparison {
        scenario: first.scenario.clone(),
        dimensions: if first.dimensions.is_empty() {
            second.dimensions.clone()
        } else {
            first.dimensions.clone()
        },
        key_points: if first.key_points.is_empty() {
            second.key_points.clone()
        } else {
            first.key_points.clone()
        },
        sides: [first, second],
        choices,
    })
}
