//! Writing scenarios in the browser: the authoring overview, the editor (new, edit, fork of a
//! built-in), the live preview, saving a new version, archive and restore, and the version
//! history with diffs.
//!
//! Who may: admins for any team, a team's leads for that team (`Action::Author`). A team's
//! scenarios are seen by its members only; built-ins by everybody. Built-ins are never edited
//! in place: editing one makes a team-owned fork, so a content update never overwrites an
//! author's edit and an author's edit never changes another team's library.
// The browser build's stubs that #[server] generates take the same arguments and do not see
// the allowance on the server function; they hold no logic of ours.
#![cfg_attr(
    not(feature = "ssr"),
    allow(clippy::too_many_arguments, reason = "generated client stubs")
)]
use crate::domain::authoring::{AuthorOverview, Editor, History};
use crate::domain::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        account::{CurrentUser, Role},
        authoring::{section_field, Draft},
        error::Invalid,
        library::SectionKind,
        policy::{authorize, Action},
        taxonomy::Topic,
    },
    server::{
        auth::{asker, Asker},
        db::{self, authoring as store},
        now_millis,
    },
};

/// Longest Markdown the preview renders, in characters.
pub const MAX_PREVIEW_CHARS: usize = 40_000;

/// The asker and the teams they may author for, after checking they may author at all.
#[cfg(feature = "ssr")]
pub(crate) async fn author() -> Result<(Asker, CurrentUser, Vec<(i64, String)>), AppError> {
    let who = asker(Action::OwnAccount).await?;
    let user = who.signed_in()?.clone();
    let teams = store::teams_for(&who.state.pool, user.id, user.role == Role::Admin).await?;
    authorize(
        Some(&user),
        Action::Author {
            leads: !teams.is_empty(),
        },
    )?;
    Ok((who, user, teams))
}

/// Check the asker may author for `team`.
#[cfg(feature = "ssr")]
pub(crate) fn for_team(
    user: &CurrentUser,
    teams: &[(i64, String)],
    team: i64,
) -> Result<(), AppError> {
    authorize(
        Some(user),
        Action::Author {
            leads: teams.iter().any(|(id, _)| *id == team),
        },
    )?;
    // An admin may author for any team, but it has to be a team.
    if !teams.iter().any(|(id, _)| *id == team) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[server]
pub async fn authoring_overview() -> Result<AuthorOverview, AppError> {
    let (who, _, teams) = author().await?;
    let pool = &who.state.pool;
    let ids: Vec<i64> = teams.iter().map(|t| t.0).collect();
    Ok(AuthorOverview {
        scenarios: store::team_scenarios(pool, &ids).await?,
        builtins: store::builtins(pool).await?,
        teams,
    })
}

/// A slug made from a team's name: "Demo hiring team" -> "demo-hiring-team".
/// The server's rendering of the draft's Markdown fields, for the editor's previews.
#[cfg(feature = "ssr")]
fn previews(d: &Draft) -> Vec<(String, String)> {
    use crate::server::markdown::to_html;
    let mut out = vec![("prompt".to_string(), to_html(&d.prompt))];
    for (kind, body) in &d.sections {
        out.push((section_field(*kind), to_html(body)));
    }
    out
}

#[cfg(feature = "ssr")]
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(30).collect()
}

/// Most characters of long fields a refused save brings back with the form.
#[cfg(feature = "ssr")]
const KEPT_TEXT_BUDGET: usize = 12_000;

/// The editor for a team's scenario (`slug`), a fork of a built-in (`fork`), or a new one.
#[server]
pub async fn author_editor(
    #[server(default)] slug: String,
    #[server(default)] fork: String,
    #[server(default)] team: String,
) -> Result<Editor, AppError> {
    let (who, user, teams) = author().await?;
    let pool = &who.state.pool;
    if !slug.trim().is_empty() {
        let head = store::head(pool, slug.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(team_id) = head.team_id else {
            return Err(AppError::Conflict(
                "Built-in scenarios come from content files. Fork it to your team to edit it."
                    .into(),
            ));
        };
        for_team(&user, &teams, team_id)?;
        let draft = store::file_of(pool, head.current_version_id)
            .await?
            .map(|f| crate::server::authoring::draft_from(&f))
            .ok_or(AppError::NotFound)?;
        return Ok(Editor {
            previews: previews(&draft),
            draft,
            teams,
            team_id: Some(team_id),
            existing: true,
            forked_from: None,
            version: Some(head.current_version),
            dimensions: rubric_dimensions(pool).await?,
        });
    }
    let team_id = match team.trim().parse::<i64>() {
        Ok(t) => {
            for_team(&user, &teams, t)?;
            Some(t)
        }
        Err(_) => teams.first().map(|t| t.0),
    };
    if team_id.is_none() {
        return Err(AppError::Conflict(
            "There is no team to write for yet: an admin creates teams.".into(),
        ));
    }
    if !fork.trim().is_empty() {
        let head = store::head(pool, fork.trim())
            .await?
            .filter(|h| h.team_id.is_none() && !h.archived)
            .ok_or(AppError::NotFound)?;
        let mut draft = store::file_of(pool, head.current_version_id)
            .await?
            .map(|f| crate::server::authoring::draft_from(&f))
            .ok_or(AppError::NotFound)?;
        let team_name = teams
            .iter()
            .find(|t| Some(t.0) == team_id)
            .map(|t| slugify(&t.1))
            .unwrap_or_default();
        draft.slug = format!("{}-{team_name}", head.slug);
        return Ok(Editor {
            previews: previews(&draft),
            draft,
            teams,
            team_id,
            existing: false,
            forked_from: Some(head.slug),
            version: None,
            dimensions: rubric_dimensions(pool).await?,
        });
    }
    Ok(Editor {
        draft: Draft {
            level: "senior".into(),
            sections: SectionKind::ALL
                .into_iter()
                .map(|k| (k, String::new()))
                .collect(),
            ..Draft::default()
        },
        teams,
        team_id,
        existing: false,
        forked_from: None,
        version: None,
        previews: vec![],
        dimensions: rubric_dimensions(pool).await?,
    })
}

/// The current rubric's dimensions as (key, name), for the editor's not-applicable choice.
#[cfg(feature = "ssr")]
async fn rubric_dimensions(pool: &db::Pool) -> Result<Vec<(String, String)>, AppError> {
    Ok(db::rubric::current(pool)
        .await?
        .map(|r| r.dimensions.into_iter().map(|d| (d.key, d.name)).collect())
        .unwrap_or_default())
}

/// The editor's live preview: Markdown rendered by the renderer content uses, sanitised.
#[server]
pub async fn preview_markdown(markdown: String) -> Result<String, AppError> {
    author().await?;
    if markdown.chars().count() > MAX_PREVIEW_CHARS {
        return Err(AppError::invalid(
            "markdown",
            format!("The preview shows at most {MAX_PREVIEW_CHARS} characters."),
        ));
    }
    Ok(crate::server::markdown::to_html(&markdown))
}

/// Save the editor: validated exactly as a content file, then stored as a new immutable
/// version. `existing` is the slug of the team scenario being edited; else a new scenario
/// (or, with `forked_from`, a fork of that built-in) is created for `team_id`.
#[allow(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]
#[server]
pub async fn save_scenario(
    team_id: i64,
    #[server(default)] existing: String,
    #[server(default)] forked_from: String,
    #[server(default)] slug: String,
    #[server(default)] title: String,
    #[server(default)] summary: String,
    #[server(default)] topics: BTreeMap<String, String>,
    #[server(default)] level: String,
    #[server(default)] prompt: String,
    #[server(default)] sections: BTreeMap<String, String>,
    #[server(default)] key_points: String,
    #[server(default)] follow_ups: String,
    #[server(default)] not_applicable: BTreeMap<String, String>,
    #[server(default)] checked_with: String,
) -> Result<(), AppError> {
    let (who, user, teams) = author().await?;
    let pool = &who.state.pool;
    let now = now_millis();
    let existing_head = match existing.trim() {
        "" => None,
        s => {
            let head = store::head(pool, s).await?.ok_or(AppError::NotFound)?;
            let team = head.team_id.ok_or(AppError::Forbidden)?;
            for_team(&user, &teams, team)?;
            Some(head)
        }
    };
    let team = match &existing_head {
        Some(h) => h.team_id.unwrap_or(team_id),
        None => {
            for_team(&user, &teams, team_id)?;
            team_id
        }
    };
    let fork_of = match (existing_head.is_none(), forked_from.trim()) {
        (true, f) if !f.is_empty() => Some(
            store::head(pool, f)
                .await?
                .filter(|h| h.team_id.is_none())
                .ok_or_else(|| AppError::BadRequest("Unknown scenario to fork.".into()))?,
        ),
        _ => None,
    };
    let mut invalid = Invalid::default();
    let mut chosen_topics = Vec::new();
    for key in topics.keys() {
        match Topic::parse(key) {
            Ok(t) => chosen_topics.push(t),
            Err(m) => invalid = invalid.field("topics", m),
        }
    }
    chosen_topics.sort();
    let dimensions = rubric_dimensions(pool).await?;
    let mut not_exercised = Vec::new();
    for key in not_applicable.keys() {
        if dimensions.iter().any(|(k, _)| k == key) {
            not_exercised.push(key.clone());
        } else {
            invalid = invalid.field(
                "not_applicable",
                format!("\"{key}\" is not a rubric dimension."),
            );
        }
    }
    if not_exercised.len() * 2 > dimensions.len() {
        invalid = invalid.field(
            "not_applicable",
            "A scenario must exercise at least half of the rubric's dimensions.",
        );
    }
    let draft = Draft {
        slug: existing_head
            .as_ref()
            .map(|h| h.slug.clone())
            .unwrap_or_else(|| slug.trim().to_string()),
        title,
        summary,
        topics: chosen_topics,
        level,
        prompt,
        sections: SectionKind::ALL
            .into_iter()
            .map(|k| (k, sections.get(k.key()).cloned().unwrap_or_default()))
            .collect(),
        key_points,
        follow_ups,
        not_applicable: not_exercised,
        checked_with,
    };
    let keep = |mut invalid: Invalid| {
        // What was typed comes back with the form, through the redirect's URL when the form
        // was posted without a script: the short fields always, the long ones while they fit
        // (a URL of hundreds of KB is refused by proxies). What does not fit is named, and
        // the browser's Back button still holds it.
        for (field, value) in [
            ("slug", &draft.slug),
            ("title", &draft.title),
            ("summary", &draft.summary),
            ("level", &draft.level),
            ("checked_with", &draft.checked_with),
        ] {
            invalid = invalid.keep(field, value);
        }
        for t in &draft.topics {
            invalid = invalid.keep(&format!("topics[{}]", t.key()), "on");
        }
        for key in &draft.not_applicable {
            invalid = invalid.keep(&format!("not_applicable[{key}]"), "on");
        }
        let long = [
            ("prompt".to_string(), &draft.prompt),
            ("key_points".to_string(), &draft.key_points),
            ("follow_ups".to_string(), &draft.follow_ups),
        ]
        .into_iter()
        .chain(draft.sections.iter().map(|(k, b)| (section_field(*k), b)));
        let mut room = KEPT_TEXT_BUDGET;
        let mut left_out = false;
        for (field, value) in long {
            if value.len() <= room {
                room -= value.len();
                invalid = invalid.keep(&field, value);
            } else {
                left_out = true;
            }
        }
        if left_out {
            invalid = invalid.field(
                "form",
                "Some of what you typed is too long to bring back here: your browser's Back button returns to it.",
            );
        }
        invalid
    };
    let file = match crate::server::authoring::validate(&draft) {
        Ok(file) if invalid.is_empty() => file,
        Ok(_) => return Err(AppError::Validation(keep(invalid))),
        Err(problems) => {
            for e in problems.errors {
                invalid = invalid.field(&e.field, e.message);
            }
            return Err(AppError::Validation(keep(invalid)));
        }
    };
    if let Some(head) = &existing_head {
        let mut conn = pool.acquire().await?;
        let stored = store::stored_file(&mut conn, head.current_version_id).await?;
        drop(conn);
        let same = stored.is_some_and(|s| crate::server::authoring::same_content(&s, &file));
        if same && !head.archived {
            leptos_axum::redirect(&format!("/scenarios/{}/history?saved=unchanged", head.slug));
            return Ok(());
        }
    }
    let mut record = crate::server::content::render(&file);
    record.source_path = None;
    let mut tx = db::begin_write(pool).await?;
    let scenario_id = match &existing_head {
        Some(h) => h.id,
        None => {
            match store::create(
                &mut tx,
                &draft.slug,
                team,
                fork_of.as_ref().map(|f| f.id),
                now,
            )
            .await?
            {
                Some(id) => id,
                None => {
                    let invalid = Invalid::default().field(
                        "slug",
                        "This slug is taken by another scenario: choose another.",
                    );
                    return Err(AppError::Validation(keep(invalid)));
                }
            }
        }
    };
    let version = store::latest_version(&mut tx, scenario_id).await? + 1;
    let version_id =
        db::scenarios::add_version(&mut tx, scenario_id, version, &record, now).await?;
    store::set_author(&mut tx, version_id, user.id).await?;
    crate::server::db::commit(tx).await?;
    leptos_axum::redirect(&format!("/scenarios/{}/history?saved=version", draft.slug));
    Ok(())
}

/// Archive (`archived` = "yes") or restore ("no") a team's scenario. Attempts and scorecards
/// keep pointing at the versions they were made against.
#[server]
pub async fn set_scenario_archived(slug: String, archived: String) -> Result<(), AppError> {
    let (who, user, teams) = author().await?;
    let pool = &who.state.pool;
    let head = store::head(pool, slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let team = head.team_id.ok_or_else(|| {
        AppError::Conflict("A built-in scenario is archived by removing its content file.".into())
    })?;
    for_team(&user, &teams, team)?;
    let archive = match archived.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("archived is yes or no".into())),
    };
    let mut tx = db::begin_write(pool).await?;
    db::scenarios::set_archived(&mut tx, head.id, archive, now_millis()).await?;
    crate::server::db::commit(tx).await?;
    leptos_axum::redirect(&format!(
        "/scenarios/{}/history?saved={}",
        head.slug,
        if archive { "archived" } else { "restored" }
    ));
    Ok(())
}

/// Every version of a scenario the asker may see, and the diff between versions `a` and `b`
/// (version numbers) when both are given.
#[server]
pub async fn scenario_history(
    slug: String,
    #[server(default)] a: String,
    #[server(default)] b: String,
) -> Result<History, AppError> {
    use crate::domain::authoring::History;
    let who = asker(Action::ReadLibrary).await?;
    let pool = &who.state.pool;
    let head = store::head(pool, slug.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let can_edit = match (head.team_id, &who.user) {
        (None, _) => false,
        (Some(team), Some(user)) => {
            let member = db::calibration::membership(pool, team, user.id).await?;
            if member.is_none() {
                return Err(AppError::NotFound);
            }
            let teams = store::teams_for(pool, user.id, user.role == Role::Admin).await?;
            for_team(user, &teams, team).is_ok()
        }
        (Some(_), None) => return Err(AppError::NotFound),
    };
    if head.archived && head.team_id.is_none() {
        return Err(AppError::NotFound);
    }
    let versions = store::versions(pool, head.id).await?;
    let pick = |v: &str| -> Result<Option<i64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            v => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| AppError::invalid("a", "Versions are numbers."))?;
                versions
                    .iter()
                    .find(|(_, info)| info.version == n)
                    .map(|(id, _)| Some(*id))
                    .ok_or_else(|| AppError::invalid("a", format!("There is no version {n}.")))
            }
        }
    };
    let diff = match (pick(&a)?, pick(&b)?) {
        (Some(old), Some(new)) => {
            let text = |id: i64| async move {
                Ok::<_, AppError>(
                    store::file_of(pool, id)
                        .await?
                        .map(|f| {
                            crate::server::authoring::compose(
                                &crate::server::authoring::draft_from(&f),
                            )
                            .0
                        })
                        .unwrap_or_default(),
                )
            };
            let (old_text, new_text) = (text(old).await?, text(new).await?);
            Some((
                a.trim().parse().unwrap_or_default(),
                b.trim().parse().unwrap_or_default(),
                crate::server::authoring::diff_off_thread(old_text, new_text)
                    .await
                    .map_err(AppError::internal)?,
            ))
        }
        _ => None,
    };
    Ok(History {
        slug: head.slug,
        title: head.title,
        team: head.team,
        can_edit,
        archived: head.archived,
        versions: versions.into_iter().map(|(_, v)| v).collect(),
        diff,
    })
}
