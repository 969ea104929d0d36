//! Content packs: the page that exports any set of scenarios and imports a pack into a team,
//! and an import's report. The zip itself travels through two plain routes
//! (`server::packs::routes`); these server functions only read.
use crate::domain::error::AppError;
use crate::domain::packs::{ImportView, PacksOverview};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    api::authoring::{author, for_team},
    domain::packs::PackChoice,
    server::db::{authoring as store, packs},
};

/// How many past imports the packs page lists.
#[cfg(feature = "ssr")]
const RECENT_IMPORTS: i64 = 10;

#[server]
pub async fn content_packs() -> Result<PacksOverview, AppError> {
    let (who, _, teams) = author().await?;
    let pool = &who.state.pool;
    let ids: Vec<i64> = teams.iter().map(|t| t.0).collect();
    let mut choices: Vec<PackChoice> = store::team_scenarios(pool, &ids)
        .await?
        .into_iter()
        .map(|r| PackChoice {
            slug: r.slug,
            title: r.title,
            team: Some(r.team),
            archived: r.archived,
        })
        .collect();
    choices.extend(
        store::builtins(pool)
            .await?
            .into_iter()
            .map(|(slug, title)| PackChoice {
                slug,
                title,
                team: None,
                archived: false,
            }),
    );
    Ok(PacksOverview {
        recent: packs::recent(pool, &ids, RECENT_IMPORTS).await?,
        teams,
        choices,
    })
}

/// One import's report: for the team's leads (and admins).
#[server]
pub async fn pack_import(id: i64) -> Result<ImportView, AppError> {
    let (who, user, teams) = author().await?;
    let (team, view) = packs::get(&who.state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    for_team(&user, &teams, team)?;
    Ok(view)
}
