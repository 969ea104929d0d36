//! Interviewer-led mock sessions: set-up, the live console, the candidate's screen (opened by
//! the join link's token alone), scorecards with amendments, shadows and sharing.
//!
//! Who may do what: interviewers, team leads and admins create sessions; only a session's
//! interviewer drives it; its shadows watch read-only and score; the token opens the candidate
//! screen of that one session and nothing else, until the session ends.
// The browser build's stubs that #[server] generates take the same arguments and do not see
// the allowance on the server function; they hold no logic of ours.
#![cfg_attr(
    not(feature = "ssr"),
    allow(clippy::too_many_arguments, reason = "generated client stubs")
)]
use crate::domain::error::AppError;
use crate::domain::session::{Console, SessionRow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod live;
pub use live::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        error::Invalid,
        policy::{authorize, Action},
        practice::Mark,
        session::{SessionStatus, MAX_SESSION_SCENARIOS},
    },
    server::{
        auth::{asker, Asker},
        db::{self, sessions as store},
        now_millis,
    },
};

/// A scenario offered when setting a session up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioOption {
    pub slug: String,
    pub title: String,
    pub level: crate::domain::taxonomy::Level,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsOverview {
    pub sessions: Vec<SessionRow>,
    pub scenarios: Vec<ScenarioOption>,
}

/// The session `id` and the asker, after checking they may watch it (interviewer or shadow).
#[cfg(feature = "ssr")]
pub(crate) async fn observed(id: i64) -> Result<(Asker, store::SessionHead, bool), AppError> {
    let who = asker(Action::RunSessions).await?;
    let user = who.signed_in()?.clone();
    let head = store::head(&who.state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_shadow = store::is_shadow(&who.state.pool, id, user.id).await?;
    authorize(
        who.user.as_ref(),
        Action::ObserveSession {
            interviewer_id: head.interviewer_id,
            is_shadow,
        },
    )?;
    Ok((who, head, is_shadow))
}

/// The session `id`, after checking the asker is its interviewer; refused once it has ended
/// when `live` is asked for.
#[cfg(feature = "ssr")]
pub(crate) async fn conducted(
    id: i64,
    live: bool,
) -> Result<(Asker, store::SessionHead), AppError> {
    let who = asker(Action::RunSessions).await?;
    let head = store::head(&who.state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        who.user.as_ref(),
        Action::ConductSession {
            interviewer_id: head.interviewer_id,
        },
    )?;
    if live && head.status() == SessionStatus::Ended {
        return Err(AppError::Conflict("This session has ended.".into()));
    }
    Ok((who, head))
}

#[cfg(feature = "ssr")]
fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sessions the asker runs or shadows, and the scenarios to set a new one up with.
#[server]
pub async fn list_sessions() -> Result<SessionsOverview, AppError> {
    let who = asker(Action::RunSessions).await?;
    let user = who.signed_in()?;
    let pool = &who.state.pool;
    let filter = crate::domain::library::LibraryFilter::default();
    let viewer = db::scenarios::Viewer(Some(user.id));
    let scenarios = db::scenarios::list(pool, viewer, &filter, None)
        .await?
        .into_iter()
        .map(|c| ScenarioOption {
            slug: c.slug,
            title: c.title,
            level: c.level,
        })
        .collect();
    Ok(SessionsOverview {
        sessions: store::list_for(pool, user.id).await?,
        scenarios,
    })
}

/// Set up a session: a candidate (account by email, or a guest by name), one to six scenarios
/// (picked, or suggested by topic and level), a planned length, and optionally a shadow.
#[allow(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]
#[server]
pub async fn create_session(
    #[server(default)] candidate_email: String,
    #[server(default)] guest_name: String,
    #[server(default)] guest_email: String,
    #[server(default)] scenarios: BTreeMap<String, String>,
    #[server(default)] topic: String,
    #[server(default)] level: String,
    #[server(default)] planned_minutes: String,
    #[server(default)] shadow_email: String,
) -> Result<(), AppError> {
    use crate::domain::account::Role;
    use crate::domain::taxonomy::{Level, Topic};
    let who = asker(Action::RunSessions).await?;
    let me = who.signed_in()?.clone();
    let pool = &who.state.pool;
    // The interviewer's library: built-ins and their teams' own scenarios.
    let viewer = db::scenarios::Viewer(Some(me.id));
    let mut invalid = Invalid::default()
        .keep("candidate_email", &candidate_email)
        .keep("guest_name", &guest_name)
        .keep("guest_email", &guest_email)
        .keep("topic", &topic)
        .keep("level", &level)
        .keep("planned_minutes", &planned_minutes)
        .keep("shadow_email", &shadow_email);
    for (k, v) in &scenarios {
        invalid = invalid.keep(&format!("scenarios[{k}]"), v);
    }

    // The candidate.
    let (candidate_id, guest) = match (candidate_email.trim(), guest_name.trim()) {
        ("", "") => {
            invalid = invalid.field(
                "candidate_email",
                "Give the candidate's account email, or a guest name below.",
            );
            (None, None)
        }
        ("", name) if name.chars().count() > 80 => {
            invalid = invalid.field("guest_name", "Keep the name under 80 characters.");
            (None, None)
        }
        ("", name) => (None, Some(name.to_string())),
        (email, _) => match db::users::credentials(pool, email).await? {
            Some(account) if account.active => (Some(account.id), None),
            _ => {
                invalid = invalid.field(
                    "candidate_email",
                    "No active account has this email. Leave it empty and name a guest instead.",
                );
                (None, None)
            }
        },
    };
    let guest_email = Some(guest_email.trim().to_string()).filter(|e| !e.is_empty());
    if let Some(e) = &guest_email {
        if crate::domain::account::Email::parse(e).is_err() {
            invalid = invalid.field(
                "guest_email",
                "Enter an email address like name@example.com.",
            );
        }
    }

    // The scenarios: picked in order, or suggested.
    let mut slugs: Vec<String> = scenarios
        .values()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    slugs.dedup();
    if slugs.is_empty() {
        let topic = Some(topic.trim())
            .filter(|t| !t.is_empty())
            .and_then(|t| Topic::parse(t).ok());
        let level = Some(level.trim())
            .filter(|l| !l.is_empty())
            .and_then(|l| Level::parse(l).ok());
        let filter = crate::domain::library::LibraryFilter {
            q: String::new(),
            topic,
            level,
        };
        slugs = db::scenarios::list(pool, viewer, &filter, None)
            .await?
            .into_iter()
            .take(2)
            .map(|c| c.slug)
            .collect();
        if slugs.is_empty() {
            invalid = invalid.field(
                "scenarios[1]",
                "Pick a scenario, or a topic and level that have some.",
            );
        }
    }
    if slugs.len() > MAX_SESSION_SCENARIOS {
        invalid = invalid.field(
            "scenarios[1]",
            format!("A session has at most {MAX_SESSION_SCENARIOS} scenarios."),
        );
    }
    let mut version_ids = Vec::new();
    for slug in &slugs {
        match db::scenarios::get(pool, viewer, slug).await? {
            Some(s) => {
                let target = db::practice::start_target(pool, viewer, slug, s.version).await?;
                if let Some(t) = target {
                    version_ids.push(t.version_id);
                }
            }
            None => {
                invalid = invalid.field(
                    "scenarios[1]",
                    format!("There is no scenario \u{201c}{slug}\u{201d}."),
                );
            }
        }
    }

    let planned = match planned_minutes.trim() {
        "" => 45,
        p => match p.parse::<i64>() {
            Ok(m) if (5..=240).contains(&m) => m,
            _ => {
                invalid = invalid.field("planned_minutes", "Plan between 5 and 240 minutes.");
                45
            }
        },
    };

    let mut shadow_ids = Vec::new();
    if !shadow_email.trim().is_empty() {
        match db::users::credentials(pool, shadow_email.trim()).await? {
            Some(a) if a.active && candidate_id == Some(a.id) => {
                invalid = invalid.field(
                    "shadow_email",
                    "The candidate cannot shadow their own interview.",
                );
            }
            Some(a) if a.active && a.id != me.id => {
                let role = db::users::get(pool, a.id).await?.map(|u| u.user.role);
                if matches!(role, Some(Role::Interviewer | Role::TeamLead | Role::Admin)) {
                    shadow_ids.push(a.id);
                } else {
                    invalid = invalid.field("shadow_email", "A shadow must be an interviewer.");
                }
            }
            Some(a) if a.id == me.id => {
                invalid = invalid.field(
                    "shadow_email",
                    "You run this session; a shadow is someone else.",
                );
            }
            _ => {
                invalid = invalid.field("shadow_email", "No active account has this email.");
            }
        }
    }
    if candidate_id.is_some() && candidate_id == Some(me.id) {
        invalid = invalid.field("candidate_email", "You cannot interview yourself.");
    }
    if !invalid.is_empty() {
        return Err(AppError::Validation(invalid));
    }

    let token = new_token();
    let mut tx = db::begin_write(pool).await?;
    let id = store::create(
        &mut tx,
        &store::NewSession {
            interviewer_id: me.id,
            candidate_id,
            guest_name: guest.as_deref(),
            guest_email: guest_email.as_deref(),
            token: &token,
            planned_minutes: planned,
            version_ids: &version_ids,
            shadow_ids: &shadow_ids,
            now: now_millis(),
        },
    )
    .await?;
    crate::server::db::commit(tx).await?;
    tracing::info!(session_id = id, interviewer = me.id, "mock session created");
    leptos_axum::redirect(&format!("/sessions/{id}"));
    Ok(())
}

/// The console of session `id` at its current scenario, for its interviewer or a shadow.
#[server]
pub async fn session_console(id: i64) -> Result<Console, AppError> {
    use crate::domain::session::{ConsoleFollowUp, ConsoleScorecard, OutlineItem};
    use crate::server::markdown;
    let (who, head, shadow) = observed(id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let items = store::items(pool, id).await?;
    let item = items
        .iter()
        .find(|i| i.position == head.current_position)
        .or(items.first())
        .ok_or_else(|| AppError::internal(format!("session {id} has no scenarios")))?
        .clone();
    // Everything below depends only on the item: read it side by side on the pool's
    // connections, with the assessor's reading of the notes on a blocking thread meanwhile.
    let notes = (!shadow && !head.notes_md.trim().is_empty()).then(|| head.notes_md.clone());
    let (detail, note_readings, attempt, marks, revealed, rubric, cards) = tokio::try_join!(
        async {
            db::scenarios::get_version(pool, item.version_id)
                .await?
                .ok_or_else(|| AppError::internal("session scenario version missing"))
        },
        // The assessor reads the interviewer's notes (never a shadow's view: they have none)
        // as a suggestion beside the checklist.
        async {
            let Some(notes) = notes else {
                return Ok::<Vec<(String, Mark)>, AppError>(Vec::new());
            };
            let (prompt, key_points) = db::assessments::inputs(pool, item.version_id)
                .await?
                .unwrap_or_default();
            Ok(crate::server::practice::assess(notes, prompt, key_points)
                .await?
                .into_iter()
                .filter(|f| f.mark != Mark::Missed)
                .map(|f| (f.key, f.mark))
                .collect())
        },
        async {
            db::practice::core(pool, item.attempt_id)
                .await?
                .ok_or_else(|| AppError::internal("session attempt missing"))
        },
        async { Ok::<_, AppError>(store::marks(pool, item.id).await?) },
        async { Ok::<_, AppError>(store::reveals(pool, item.id).await?) },
        async {
            db::rubric::current(pool)
                .await?
                .ok_or_else(|| AppError::internal("no rubric loaded"))
        },
        async { Ok::<_, AppError>(store::interviewer_cards(pool, item.attempt_id).await?) },
    )?;
    let not_applicable = detail.not_applicable.clone();
    let i_have_scored = cards.iter().any(|c| c.scorer_id == Some(me));
    let originals = cards.iter().filter(|c| c.amends_id.is_none()).count() as i64;
    let scorecards = cards
        .into_iter()
        .filter(|c| c.scorer_id == Some(me) || i_have_scored)
        .map(|c| {
            let suggested = c
                .target_level
                .as_deref()
                .and_then(|l| crate::domain::taxonomy::Level::parse(l).ok())
                .and_then(|l| rubric.bar(l))
                .and_then(|bar| {
                    let scores: Vec<u8> = c.card.scores.iter().map(|s| s.score as u8).collect();
                    crate::domain::library::suggested_recommendation(&scores, bar)
                })
                .map(str::to_string);
            ConsoleScorecard {
                id: c.id,
                mine: c.scorer_id == Some(me),
                feedback_html: markdown::to_html(&c.feedback_md),
                notes_html: markdown::to_html(&c.notes_md),
                card: c.card,
                recommendation: c.recommendation,
                target_level: c.target_level,
                amends: c.amends_id,
                amend_reason: c.amend_reason,
                saw_others: c.saw_others,
                suggested,
            }
        })
        .collect();
    Ok(Console {
        id,
        shadow,
        join_path: (!shadow).then(|| format!("/join/{}", head.token)),
        candidate: head.candidate.clone(),
        candidate_has_account: head.candidate_id.is_some(),
        status: head.status(),
        planned_minutes: head.planned_minutes,
        created_at: head.created_at,
        now: now_millis(),
        notes_md: if shadow { String::new() } else { head.notes_md },
        outline: items
            .iter()
            .map(|i| OutlineItem {
                position: i.position,
                title: i.title.clone(),
                scored: i.scorecards > 0,
            })
            .collect(),
        position: item.position,
        scenario: attempt.scenario(),
        item_started_at: item.started_at.unwrap_or(head.created_at),
        prompt_html: detail.prompt_html,
        // A shadow scores independently: the interviewer's live ticks are not theirs to see
        // until their own scorecard is in.
        key_points: detail
            .key_points
            .into_iter()
            .map(|k| {
                let mark = marks
                    .iter()
                    .filter(|_| !shadow || i_have_scored)
                    .find(|(key, _)| *key == k.key)
                    .and_then(|(_, m)| Mark::parse(m));
                (k, mark)
            })
            .collect(),
        follow_ups: detail
            .follow_ups
            .into_iter()
            .enumerate()
            .map(|(i, f)| ConsoleFollowUp {
                position: i as i64,
                revealed: revealed.contains(&(i as i64)),
                html: f.html,
                probes: f.probes,
            })
            .collect(),
        dimensions: rubric.applicable(&not_applicable),
        recommendations: rubric.recommendations,
        rule_html: rubric.rule_html,
        note_readings,
        scorecards,
        scorecard_count: originals,
        shared: item.shared_at.is_some(),
    })
}
