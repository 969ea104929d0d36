//! Reading the library: scenarios, frameworks and the rubric. Open to everybody, signed in or not:
//! the library is the product's shop window and holds nothing personal.
use crate::domain::error::AppError;
use crate::domain::library::{
    Framework, FrameworkCard, LibraryResults, LibraryStats, Rubric, ScenarioDetail,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{db, db::scenarios::Viewer, state::pool};

/// Who is reading: a visitor sees the built-in library, a signed-in member also their teams'
/// own scenarios.
#[cfg(feature = "ssr")]
async fn viewer() -> Result<(crate::server::db::Pool, Viewer), AppError> {
    use crate::domain::policy::Action;
    let who = crate::server::auth::asker(Action::ReadLibrary).await?;
    Ok((who.state.pool.clone(), Viewer(who.user.map(|u| u.id))))
}

/// The library list for raw URL query values; each bad value gets a message naming its field.
#[server]
pub async fn list_scenarios(
    q: String,
    topic: String,
    level: String,
) -> Result<LibraryResults, AppError> {
    use crate::domain::error::Invalid;
    use crate::domain::library::LibraryFilter;
    use crate::domain::search::SearchQuery;
    use crate::domain::taxonomy::{Level, Topic};

    let mut invalid = Invalid::default();
    let mut field = |name: &str, message: String| {
        invalid = std::mem::take(&mut invalid).field(name, message);
    };
    let search = SearchQuery::parse(&q)
        .map_err(|m| field("q", m))
        .ok()
        .flatten();
    let topic = Some(topic.trim()).filter(|t| !t.is_empty()).and_then(|t| {
        Topic::parse(t)
            .map_err(|m| field("topic", capitalise(m)))
            .ok()
    });
    let level = Some(level.trim()).filter(|l| !l.is_empty()).and_then(|l| {
        Level::parse(l)
            .map_err(|m| field("level", capitalise(m)))
            .ok()
    });
    if !invalid.is_empty() {
        return Err(AppError::Validation(invalid));
    }

    let (pool, viewer) = viewer().await?;
    let filter = LibraryFilter { q, topic, level };
    let cards = db::scenarios::list(&pool, viewer, &filter, search.as_ref()).await?;
    let total = db::scenarios::count(&pool, viewer).await?;
    Ok(LibraryResults { cards, total })
}

#[cfg(feature = "ssr")]
fn capitalise(message: String) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[server]
pub async fn get_scenario(slug: String) -> Result<ScenarioDetail, AppError> {
    let (pool, viewer) = viewer().await?;
    db::scenarios::get(&pool, viewer, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[server]
pub async fn library_overview() -> Result<LibraryStats, AppError> {
    let (pool, viewer) = viewer().await?;
    Ok(LibraryStats {
        scenarios: db::scenarios::count(&pool, viewer).await?,
        frameworks: db::frameworks::list(&pool).await?.len() as i64,
        per_topic: db::scenarios::count_by_topic(&pool, viewer).await?,
    })
}

#[server]
pub async fn list_frameworks() -> Result<Vec<FrameworkCard>, AppError> {
    Ok(db::frameworks::list(&pool()?).await?)
}

#[server]
pub async fn get_framework(slug: String) -> Result<Framework, AppError> {
    db::frameworks::get(&pool()?, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[server]
pub async fn get_rubric() -> Result<Rubric, AppError> {
    db::rubric::current(&pool()?)
        .await?
        .ok_or_else(|| AppError::internal("no rubric version in the database"))
}
