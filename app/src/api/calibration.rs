//! Team calibration: exercises, blind scoring, the reveal, results, and the team dashboard.
//!
//! Who may: interviewers, team leads and admins open calibration at all (`Calibrate`); a team's
//! exercises are seen and scored by that team's members only (`CalibrateInTeam`), even for an
//! admin; its leads create and reveal exercises, see the dashboard, export, and confirm raters
//! as qualified (`LeadTeam`). Before the reveal nobody is sent anyone else's scores.
use crate::domain::calibration::{ExerciseView, Overview, TeamDashboard};
use crate::domain::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        calibration::*,
        error::Invalid,
        policy::{authorize, Action},
    },
    server::{
        auth::{asker, Asker},
        db::{self, calibration as store},
        now_millis,
    },
};

/// The asker, after checking they lead `team`.
#[cfg(feature = "ssr")]
async fn leading(team: i64) -> Result<Asker, AppError> {
    let who = asker(Action::Calibrate).await?;
    let me = who.signed_in()?.id;
    let membership = store::membership(&who.state.pool, team, me).await?;
    authorize(
        who.user.as_ref(),
        Action::LeadTeam {
            is_lead: membership == Some(true),
        },
    )?;
    Ok(who)
}

/// An exercise's head, after checking the asker is on its team. An exercise of another team
/// answers 404, like one that does not exist: its existence is the team's business.
#[cfg(feature = "ssr")]
async fn exercise(id: i64) -> Result<(Asker, store::Head, bool), AppError> {
    let who = asker(Action::Calibrate).await?;
    let head = store::head(&who.state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = who.signed_in()?.id;
    let membership = store::membership(&who.state.pool, head.team_id, me).await?;
    authorize(
        who.user.as_ref(),
        Action::CalibrateInTeam {
            is_member: membership.is_some(),
        },
    )
    .map_err(|e| match e {
        AppError::Forbidden => AppError::NotFound,
        e => e,
    })?;
    Ok((who, head, membership == Some(true)))
}

#[server]
pub async fn calibration_overview() -> Result<Overview, AppError> {
    let who = asker(Action::Calibrate).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let teams: Vec<TeamRef> = store::teams_of(pool, me)
        .await?
        .into_iter()
        .map(|(id, name, is_lead)| TeamRef { id, name, is_lead })
        .collect();
    let exercises = store::list_for(pool, me)
        .await?
        .into_iter()
        .map(|r| ExerciseRow {
            id: r.id,
            team: r.team,
            title: r.title,
            scenario_title: r.scenario_title,
            created_at: r.created_at,
            stage: ExerciseStage::of(r.revealed_at.is_some(), r.mine),
            rated: r.rated,
            members: r.members,
        })
        .collect();
    let leads_any = teams.iter().any(|t| t.is_lead);
    let (mut scenarios, mut dimensions, mut sources) = (Vec::new(), Vec::new(), Vec::new());
    if leads_any {
        let filter = crate::domain::library::LibraryFilter::default();
        scenarios = db::scenarios::list(pool, db::scenarios::Viewer(Some(me)), &filter, None)
            .await?
            .into_iter()
            .map(|c| (c.slug, c.title))
            .collect();
        dimensions = current_dimensions(pool).await?;
        for t in teams.iter().filter(|t| t.is_lead) {
            for (attempt_id, label, at, _) in store::sources(pool, t.id).await? {
                if !sources
                    .iter()
                    .any(|s: &SourceOption| s.attempt_id == attempt_id)
                {
                    sources.push(SourceOption {
                        attempt_id,
                        label: format!("{label} ({})", crate::domain::practice::date(at)),
                    });
                }
            }
        }
    }
    Ok(Overview {
        teams,
        exercises,
        scenarios,
        dimensions,
        sources,
    })
}

/// Create an exercise for `team_id`: a scenario, a reference answer (typed, or the transcript of
/// a consented mock attempt of the team's), a title, and optionally an expert key
/// (`expert[dimension]` 1 to 4, or empty).
#[server]
pub async fn create_exercise(
    team_id: i64,
    #[server(default)] scenario: String,
    #[server(default)] title: String,
    #[server(default)] reference: String,
    #[server(default)] source: String,
    #[server(default)] expert: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let who = leading(team_id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let rubric = db::rubric::current(pool)
        .await?
        .ok_or_else(|| AppError::internal("no rubric loaded"))?;
    let mut invalid = Invalid::default()
        .keep("scenario", &scenario)
        .keep("title", &title)
        .keep("source", &source);
    for (k, v) in &expert {
        invalid = invalid.keep(&format!("expert[{k}]"), v);
    }
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 120 {
        invalid = invalid.field("title", "Give the exercise a title of 1 to 120 characters.");
    }
    let mut version_id = None;
    let mut source_attempt = None;
    let mut reference = reference;
    // The drill's own example answers can be the reference: scoring them is calibration
    // against a known level.
    let example = match source.trim() {
        "example-2" => Some(crate::domain::library::SectionKind::ExampleLevel2),
        "example-4" => Some(crate::domain::library::SectionKind::ExampleLevel4),
        _ => None,
    };
    if source.trim().is_empty() || example.is_some() {
        // Built-ins, or this team's own scenarios (not another team the lead is also on).
        let viewer = db::scenarios::Viewer(Some(me));
        match db::scenarios::get(pool, viewer, scenario.trim()).await? {
            Some(s) if store::usable_by_team(pool, &s.slug, team_id).await? => {
                version_id = db::practice::start_target(pool, viewer, &s.slug, s.version)
                    .await?
                    .map(|t| t.version_id)
            }
            _ => invalid = invalid.field("scenario", "Choose the scenario the answer is to."),
        }
        if let (Some(kind), Some(version)) = (example, version_id) {
            let mut conn = pool.acquire().await?;
            let file = db::authoring::stored_file(&mut conn, version).await?;
            let text = file
                .and_then(|f| f.sections.into_iter().find(|(k, _)| *k == kind))
                .map(|(_, md)| md);
            match text {
                Some(text) if reference.trim().is_empty() => reference = text,
                Some(_) => {}
                None => {
                    invalid = invalid.field(
                        "source",
                        format!("This scenario has no {}.", kind.heading().to_lowercase()),
                    )
                }
            }
        }
    } else {
        let offered = store::sources(pool, team_id).await?;
        let chosen = source
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| offered.into_iter().find(|(a, _, _, _)| *a == id));
        match chosen {
            Some((attempt, _, _, version)) => {
                source_attempt = Some(attempt);
                // The transcript belongs to the scenario it was given for.
                version_id = Some(version);
                if reference.trim().is_empty() {
                    reference = store::source_transcript(pool, attempt).await?;
                }
            }
            None => {
                invalid = invalid.field(
                    "source",
                    "That mock interview is not available: its candidate has not agreed, or it is not your team's.",
                )
            }
        }
    }
    if reference.trim().is_empty() {
        invalid = invalid.field(
            "reference",
            "Write or paste the reference answer, or take it from a mock interview.",
        );
    } else if reference.chars().count() > MAX_REFERENCE_CHARS {
        invalid = invalid.field(
            "reference",
            format!("Keep the reference answer under {MAX_REFERENCE_CHARS} characters."),
        );
    }
    let mut key = BTreeMap::new();
    for d in &rubric.dimensions {
        let field = format!("expert[{}]", d.key);
        match expert.get(&d.key).map(|v| v.trim()).unwrap_or("") {
            "" => {}
            v => match v.parse::<u8>() {
                Ok(s) if (1..=4).contains(&s) => {
                    key.insert(d.key.clone(), s);
                }
                _ => {
                    invalid = invalid.field(
                        &field,
                        format!("{}: the expert score is 1 to 4, or left empty.", d.name),
                    )
                }
            },
        }
    }
    if !invalid.is_empty() {
        if reference.len() <= 3000 {
            invalid = invalid.keep("reference", &reference);
        }
        return Err(AppError::Validation(invalid));
    }
    let version_id =
        version_id.ok_or_else(|| AppError::invalid("scenario", "Choose a scenario."))?;
    let mut tx = db::begin_write(pool).await?;
    let id = store::create(
        &mut tx,
        &store::NewExercise {
            team_id,
            scenario_version_id: version_id,
            rubric_version_id: rubric.version,
            title,
            reference_md: &reference,
            source_attempt_id: source_attempt,
            created_by: me,
            expert: &key,
            now: now_millis(),
        },
    )
    .await?;
    crate::server::db::commit(tx).await?;
    leptos_axum::redirect(&format!("/calibration/{id}?saved=created"));
    Ok(())
}

#[server]
pub async fn get_exercise(id: i64) -> Result<ExerciseView, AppError> {
    use crate::server::markdown::to_html;
    let (who, head, is_lead) = exercise(id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let scenario = db::scenarios::get_version(pool, head.scenario_version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // The dimensions the scenario exercises: its not-applicable ones are neither scored nor shown.
    let rubric: Vec<_> = db::rubric::dimensions(pool, head.rubric_version_id)
        .await?
        .into_iter()
        .filter(|d| !scenario.not_applicable.contains(&d.key))
        .collect();
    let own = store::own_rating(pool, id, me).await?;
    let expert = store::expert(pool, id).await?;
    let revealed = head.revealed_at.is_some();
    let results = if revealed {
        let dims: Vec<Dimension> = rubric
            .iter()
            .map(|d| Dimension {
                key: d.key.clone(),
                name: d.name.clone(),
            })
            .collect();
        let ratings = store::ratings(pool, id).await?;
        Some(exercise_results(&dims, &ratings, &expert))
    } else {
        None
    };
    Ok(ExerciseView {
        id,
        team_id: head.team_id,
        team: head.team,
        title: head.title,
        scenario_title: scenario.title,
        scenario_slug: scenario.slug,
        prompt_html: scenario.prompt_html,
        reference_html: to_html(&head.reference_md),
        created_at: head.created_at,
        revealed_at: head.revealed_at,
        stage: ExerciseStage::of(revealed, own.is_some()),
        is_lead,
        own: own.map(|(scores, notes, submitted_at)| OwnRating {
            scores: rubric
                .iter()
                .filter_map(|d| scores.get(&d.key).map(|s| (d.name.clone(), *s)))
                .collect(),
            notes,
            submitted_at,
        }),
        dimensions: rubric,
        progress: store::progress(pool, id).await?,
        // Whether there is a key is no secret; its scores are, until the reveal.
        has_expert: !expert.is_empty(),
        notes: if revealed {
            store::notes(pool, id).await?
        } else {
            vec![]
        },
        results,
    })
}

/// Submit one's blind scores for an exercise: every dimension 1 to 4, optional notes. Once
/// submitted they cannot be changed; after the reveal scoring is closed.
#[server]
pub async fn submit_rating(
    exercise_id: i64,
    #[server(default)] scores: BTreeMap<String, String>,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    let (who, head, _) = exercise(exercise_id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let not_applicable = db::scenarios::not_applicable(pool, head.scenario_version_id).await?;
    let dimensions: Vec<_> = db::rubric::dimensions(pool, head.rubric_version_id)
        .await?
        .into_iter()
        .filter(|d| !not_applicable.contains(&d.key))
        .collect();
    let (chosen, _, mut invalid) = crate::domain::practice::read_scorecard(
        &dimensions,
        &[],
        &scores,
        &BTreeMap::new(),
        Invalid::default(),
    );
    if notes.chars().count() > MAX_RATING_NOTES_CHARS {
        invalid = invalid.field(
            "notes",
            format!("Keep your notes under {MAX_RATING_NOTES_CHARS} characters."),
        );
    }
    if !invalid.is_empty() {
        if notes.len() <= 3000 {
            invalid = invalid.keep("notes", &notes);
        }
        return Err(AppError::Validation(invalid));
    }
    let scores: BTreeMap<String, u8> = chosen.into_iter().map(|(k, s)| (k, s as u8)).collect();
    match store::submit(pool, exercise_id, me, &scores, notes.trim(), now_millis()).await? {
        store::Submitted::Stored => {}
        store::Submitted::AlreadyRated => {
            return Err(AppError::Conflict(
                "You have already scored this exercise; a submitted score cannot be changed."
                    .into(),
            ))
        }
        store::Submitted::AlreadyRevealed => {
            return Err(AppError::Conflict(
                "The results are out, so scoring is closed for this exercise.".into(),
            ))
        }
    }
    leptos_axum::redirect(&format!("/calibration/{exercise_id}?saved=scored"));
    Ok(())
}

/// Reveal the results to the team (its leads only). Scoring closes.
#[server]
pub async fn reveal_exercise(exercise_id: i64) -> Result<(), AppError> {
    let (who, head, is_lead) = exercise(exercise_id).await?;
    authorize(who.user.as_ref(), Action::LeadTeam { is_lead })?;
    if store::ratings(&who.state.pool, exercise_id)
        .await?
        .is_empty()
    {
        return Err(AppError::Conflict(
            "Nobody has scored this exercise yet: there is nothing to reveal.".into(),
        ));
    }
    store::reveal(&who.state.pool, head.id, now_millis()).await?;
    leptos_axum::redirect(&format!(
        "/calibration/{exercise_id}?saved=revealed#results"
    ));
    Ok(())
}

/// The team dashboard: agreement over time, per dimension and over mock sessions; each rater's
/// leniency over time with drift flagged; each member's path to qualified.
#[server]
pub async fn calibration_dashboard(team_id: i64) -> Result<TeamDashboard, AppError> {
    let who = leading(team_id).await?;
    let pool = &who.state.pool;
    // The epoch is read before anything it guards (see `server::team_cache`).
    let (teams, epoch) = tokio::try_join!(
        store::teams_of(pool, who.signed_in()?.id),
        db::team_stats::epoch(pool)
    )?;
    let team = teams
        .into_iter()
        .find(|t| t.0 == team_id)
        .map(|t| t.1)
        .ok_or(AppError::NotFound)?;
    if let Some(mut kept) = who.state.team_cache.get(team_id, epoch) {
        // The team's name is not in the epoch: it comes fresh with every view.
        kept.team = team;
        return Ok(kept);
    }
    let dashboard = team_dashboard(pool, team_id, team).await?;
    who.state.team_cache.put(team_id, epoch, &dashboard);
    Ok(dashboard)
}

/// The statistics of the team dashboard (no access check: callers check who is asking).
#[cfg(feature = "ssr")]
pub async fn team_dashboard(
    pool: &crate::server::db::Pool,
    team_id: i64,
    team: String,
) -> Result<TeamDashboard, AppError> {
    let dims = current_dimensions(pool).await?;
    let exercises = db::team_stats::revealed(pool, team_id).await?;
    let mock = db::team_stats::mock_scored(pool, team_id).await?;
    let trends = rater_trends(&dims, &exercises);
    let members = member_paths(pool, team_id, &trends).await?;
    Ok(TeamDashboard {
        team_id,
        team,
        exercises: exercises.len(),
        over_time: agreement_over_time(&dims, &exercises),
        report: agreement_report(&dims, &exercises),
        mock_attempts: mock.len(),
        mock_report: agreement_report(&dims, &mock),
        trends,
        members,
    })
}

/// Confirm a member as qualified (`qualified` = "yes"), which needs their calibration within
/// the team's thresholds, or withdraw it ("no").
#[server]
pub async fn set_qualified(team_id: i64, user_id: i64, qualified: String) -> Result<(), AppError> {
    let who = leading(team_id).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let confirm = match qualified.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("qualified is yes or no".into())),
    };
    if confirm {
        let dims = current_dimensions(pool).await?;
        let trends = rater_trends(&dims, &db::team_stats::revealed(pool, team_id).await?);
        let members = member_paths(pool, team_id, &trends).await?;
        let Some(member) = members.iter().find(|m| m.user_id == user_id) else {
            return Err(AppError::NotFound);
        };
        if !member.can_qualify() {
            return Err(AppError::Conflict(format!(
                "{} is not within the team's thresholds yet: at least {QUALIFY_MIN_EXERCISES} revealed exercises, on average within {DRIFT_THRESHOLD} points of the team median over the last {RECENT_EXERCISES}.",
                member.name
            )));
        }
    }
    if !db::team_stats::set_qualified(pool, team_id, user_id, me, confirm.then(now_millis)).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect(&format!(
        "/calibration/teams/{team_id}?saved=qualified#path"
    ));
    Ok(())
}

/// The current rubric's dimensions: the team statistics are on them.
#[cfg(feature = "ssr")]
async fn current_dimensions(pool: &crate::server::db::Pool) -> Result<Vec<Dimension>, AppError> {
    Ok(db::rubric::current(pool)
        .await?
        .map(|r| {
            r.dimensions
                .into_iter()
                .map(|d| Dimension {
                    key: d.key,
                    name: d.name,
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Each member's path to qualified, with their standing from `trends`.
#[cfg(feature = "ssr")]
async fn member_paths(
    pool: &crate::server::db::Pool,
    team_id: i64,
    trends: &[RaterTrend],
) -> Result<Vec<MemberPath>, AppError> {
    Ok(db::team_stats::members(pool, team_id)
        .await?
        .into_iter()
        .map(|m| {
            let trend = trends.iter().find(|t| t.rater_id == Some(m.user_id));
            MemberPath {
                user_id: m.user_id,
                name: m.name,
                is_lead: m.is_lead,
                shadowed: m.shadowed,
                led: m.led,
                exercises: trend.map_or(0, |t| t.points.len()),
                standing: trend.map_or(Standing::TooFewExercises, |t| t.standing),
                recent_distance: trend.and_then(|t| t.recent_distance),
                qualified_at: m.qualified_at,
            }
        })
        .collect())
}

/// The candidate agrees (`consent` = "yes") or no longer agrees ("no") to their finished mock
/// interview being used as a reference answer by the interviewer's team.
#[server]
pub async fn calibration_consent(attempt_id: i64, consent: String) -> Result<(), AppError> {
    let who = asker(Action::Practise).await?;
    let me = who.signed_in()?.id;
    let pool = &who.state.pool;
    let attempt = db::practice::core(pool, attempt_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        who.user.as_ref(),
        Action::OwnAttempt {
            candidate_id: attempt.candidate_id.unwrap_or(-1),
        },
    )?;
    // As on the attempt's page: a mock scenario never shown does not exist for the candidate.
    if !attempt.shown_to_candidate {
        return Err(AppError::NotFound);
    }
    let at = match consent.as_str() {
        "yes" => Some(now_millis()),
        "no" => None,
        _ => return Err(AppError::BadRequest("consent is yes or no".into())),
    };
    if !store::set_consent(pool, attempt_id, me, at).await? {
        return Err(AppError::Conflict(
            "Only a finished mock interview can be offered for calibration.".into(),
        ));
    }
    leptos_axum::redirect(&format!("/practice/{attempt_id}?saved=consent"));
    Ok(())
}
