//! The two plain HTTP routes of content packs: the zip download (a GET: it changes nothing) and
//! the upload (a multipart POST, which server functions do not take without JavaScript). Both
//! check the same policy as the authoring server functions.
use super::{import_into, zip_pack, Upload};
use crate::domain::account::{CurrentUser, Role};
use crate::domain::error::AppError;
use crate::domain::packs::MAX_PACK_BYTES;
use crate::domain::policy::{authorize, Action};
use crate::server::auth::session;
use crate::server::content::ScenarioFile;
use crate::server::db::authoring as store;
use crate::server::export::failed;
use crate::server::{now_millis, state::AppState};
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// The signed-in author and the teams they may author for (all teams for an admin).
async fn author(
    state: &AppState,
    session: &Session,
) -> Result<(CurrentUser, Vec<(i64, String)>), AppError> {
    let user = session::current_user(session, &state.pool).await?;
    authorize(user.as_ref(), Action::OwnAccount)?;
    let user = user.ok_or(AppError::Unauthenticated)?;
    let teams = store::teams_for(&state.pool, user.id, user.role == Role::Admin).await?;
    authorize(
        Some(&user),
        Action::Author {
            leads: !teams.is_empty(),
        },
    )?;
    Ok((user, teams))
}

/// What the export form asked for.
#[derive(Default, Debug, PartialEq)]
struct Selection {
    slugs: Vec<String>,
    builtins: bool,
    teams: Vec<i64>,
}

fn selection(query: Option<&str>) -> Result<Selection, AppError> {
    let mut s = Selection::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "s" => s.slugs.push(value.trim().to_string()),
            "builtins" => s.builtins = true,
            "team" => s.teams.push(
                value
                    .parse()
                    .map_err(|_| AppError::BadRequest("team is a number".into()))?,
            ),
            _ => {}
        }
    }
    Ok(s)
}

/// GET /author/packs/export.zip?s=<slug>&s=...  (or `builtins=yes`, `team=<id>`): the chosen
/// scenarios, current versions, as a content pack. Built-ins and the asker's teams' scenarios
/// only; anything else is "not found", whoever owns it.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    RawQuery(query): RawQuery,
) -> Response {
    let pack = async {
        let (user, teams) = author(&state, &session).await?;
        let wanted = selection(query.as_deref())?;
        let pool = &state.pool;
        let mut slugs = wanted.slugs.clone();
        if wanted.builtins {
            slugs.extend(store::builtins(pool).await?.into_iter().map(|(s, _)| s));
        }
        for team in &wanted.teams {
            if !teams.iter().any(|(t, _)| t == team) {
                return Err(AppError::NotFound);
            }
            slugs.extend(
                store::team_scenarios(pool, &[*team])
                    .await?
                    .into_iter()
                    .filter(|r| !r.archived)
                    .map(|r| r.slug),
            );
        }
        let mut seen = std::collections::HashSet::new();
        slugs.retain(|s| seen.insert(s.clone()));
        if slugs.is_empty() {
            return Ok(None);
        }
        let mut conn = pool.acquire().await?;
        let mut files: Vec<ScenarioFile> = Vec::new();
        for slug in &slugs {
            let head = store::head(&mut *conn, slug)
                .await?
                .filter(|h| match h.team_id {
                    None => !h.archived,
                    Some(team) => teams.iter().any(|(t, _)| *t == team),
                })
                .ok_or(AppError::NotFound)?;
            let file = store::stored_file(&mut conn, head.current_version_id)
                .await?
                .ok_or(AppError::NotFound)?;
            files.push(file);
        }
        let readme = readme(&user, &files, now_millis());
        zip_pack(&readme, &files)
            .map(Some)
            .map_err(|e| AppError::internal(format!("writing a pack: {e}")))
    };
    match pack.await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "application/zip"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mlops-coach-pack.zip\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => Redirect::to("/author/packs?export=none").into_response(),
        Err(e) => failed(e),
    }
}

fn readme(user: &CurrentUser, files: &[ScenarioFile], now: i64) -> String {
    let mut out = format!(
        "# MLOps Interview Coach content pack\n\n{} scenario(s), exported by {} on {}.\n\n",
        files.len(),
        user.display_name,
        crate::domain::practice::date(now)
    );
    out.push_str(
        "Each file in `scenarios/` is one scenario in the content format (see `content/README.md` \
         of the project). Edit them with any text editor, zip the folder and import it at \
         /author/packs: every file is checked before anything changes, and importing the same \
         pack twice changes nothing.\n\n",
    );
    for f in files {
        out.push_str(&format!("- `scenarios/{}.md`: {}\n", f.slug, f.title));
    }
    out
}

/// POST /author/packs/import (multipart: `team`, then one or more `pack` files): check every
/// file, apply all or nothing to the team, record the report, and show it.
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let (user, teams) = author(&state, &session).await?;
        let mut multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
        let mut team: Option<i64> = None;
        let mut uploads = Vec::new();
        let mut too_large = false;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_large = true;
                    break;
                }
                Err(e) => return Err(AppError::BadRequest(e.body_text())),
            };
            match field.name() {
                Some("team") => {
                    let text = field
                        .text()
                        .await
                        .map_err(|e| AppError::BadRequest(e.body_text()))?;
                    team = Some(
                        text.trim()
                            .parse()
                            .map_err(|_| AppError::invalid("team", "Choose a team."))?,
                    );
                }
                Some("pack") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) if name.is_empty() && bytes.is_empty() => {}
                        Ok(bytes) => uploads.push(Upload {
                            name,
                            bytes: bytes.to_vec(),
                        }),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            too_large = true;
                            break;
                        }
                        Err(e) => return Err(AppError::BadRequest(e.body_text())),
                    }
                }
                _ => {}
            }
        }
        if too_large {
            // Nothing was read whole, so nothing is checked or recorded: the form says why.
            return Ok("/author/packs?import=too-large".to_string());
        }
        let team = team.ok_or_else(|| AppError::invalid("team", "Choose a team."))?;
        if !teams.iter().any(|(t, _)| *t == team) {
            return Err(AppError::NotFound);
        }
        let (id, _) = import_into(&state.pool, team, user.id, uploads, now_millis()).await?;
        Ok(format!("/author/packs/imports/{id}"))
    };
    match result.await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => failed(e),
    }
}

/// The body limit of the import route: the pack plus the form around it.
pub const IMPORT_BODY_LIMIT: usize = MAX_PACK_BYTES + 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_query_takes_repeated_slugs_and_whole_teams() {
        let s = selection(Some("s=a-b&s=c-d&team=4&builtins=yes")).unwrap();
        assert_eq!(s.slugs, vec!["a-b".to_string(), "c-d".to_string()]);
        assert_eq!(s.teams, vec![4]);
        assert!(s.builtins);
        assert!(selection(Some("team=four")).is_err());
        assert_eq!(selection(None).unwrap(), Selection::default());
    }
}
