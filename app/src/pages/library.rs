//! The scenario library: filter by topic and level, search the full text.
use crate::api::library::list_scenarios;
use crate::components::badges::{LevelBadge, TopicChips};
use crate::components::error_view::{set_status, ErrorView};
use crate::domain::error::AppError;
use crate::domain::library::ScenarioCard;
use crate::domain::taxonomy::{Level, Topic};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LibraryPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter = move || (param("q"), param("topic"), param("level"));
    let results = Resource::new(filter, |(q, topic, level)| list_scenarios(q, topic, level));

    view! {
        <Title text="Scenario library"/>
        <div class="wrap">
            <h1>"Scenario library"</h1>
            <Suspense fallback=|| view! { <p>"Loading scenarios…"</p> }>
                {move || Suspend::new(async move {
                    let (q, topic, level) = filter();
                    let result = results.await;
                    let error = result.as_ref().err().cloned();
                    let form = view! { <FilterForm q topic level error=error.clone()/> };
                    let body = match result {
                        Ok(r) => view! { <Results cards=r.cards total=r.total/> }.into_any(),
                        Err(AppError::Validation(_)) => {
                            set_status(error.as_ref().map_or(422, AppError::status));
                            view! {
                                <p class="notice" id="result-count">
                                    "Nothing was searched. Correct the search above and try again."
                                </p>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    };
                    view! { {form} {body} }
                })}
            </Suspense>
        </div>
    }
}

/// The filter form: a plain GET form, so it works the same with and without JavaScript.
#[component]
fn FilterForm(q: String, topic: String, level: String, error: Option<AppError>) -> impl IntoView {
    let field_error = |field: &str| {
        error
            .as_ref()
            .and_then(|e| e.field_message(field))
            .map(str::to_string)
    };
    let q_error = field_error("q");
    let topic_error = field_error("topic");
    let level_error = field_error("level");
    let has_filter = !q.is_empty() || !topic.is_empty() || !level.is_empty();
    view! {
        <form class="filters" method="get" action="/scenarios" role="search" aria-label="Scenarios">
            <div class="field grow">
                <label for="q">"Search"</label>
                <input
                    type="search"
                    id="q"
                    name="q"
                    value=q
                    placeholder="e.g. drift, rollback, GPU"
                    aria-invalid=q_error.is_some().then_some("true")
                    aria-describedby=q_error.is_some().then_some("q-error")
                />
                {q_error.map(|m| view! { <p class="field-error" id="q-error">{m}</p> })}
            </div>
            <SelectFilter
                name="topic"
                label="Topic"
                all="All topics"
                options=Topic::ALL.map(|t| (t.key(), t.label())).to_vec()
                selected=topic
                error=topic_error
            />
            <SelectFilter
                name="level"
                label="Level"
                all="All levels"
                options=Level::ALL.map(|l| (l.key(), l.label())).to_vec()
                selected=level
                error=level_error
            />
            <div class="field actions">
                <button type="submit" class="button">"Apply"</button>
                {has_filter.then(|| view! { <a class="button secondary" href="/scenarios">"Clear"</a> })}
            </div>
        </form>
    }
}

/// A labelled `<select>` with an "all" choice, and its error (if any) tied to it for screen readers.
#[component]
fn SelectFilter(
    name: &'static str,
    label: &'static str,
    all: &'static str,
    options: Vec<(&'static str, &'static str)>,
    selected: String,
    error: Option<String>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select
                id=name
                name=name
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then(|| error_id.clone())
            >
                <option value="" selected=selected.is_empty()>{all}</option>
                {options.into_iter().map(|(key, text)| view! {
                    <option value=key selected=selected == key>{text}</option>
                }).collect_view()}
            </select>
            {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
        </div>
    }
}

#[component]
fn Results(cards: Vec<ScenarioCard>, total: i64) -> impl IntoView {
    let shown = cards.len();
    let count = if shown as i64 == total {
        format!("{total} scenarios")
    } else {
        format!("{shown} of {total} scenarios")
    };
    view! {
        <p id="result-count" class="result-count">{count}</p>
        {if cards.is_empty() {
            view! {
                <p class="notice">
                    "No scenario matches. Try fewer words, or "
                    <a href="/scenarios">"clear the filters"</a>
                    "."
                </p>
            }.into_any()
        } else {
            view! {
                <ul class="cards" id="scenario-list">
                    {cards.into_iter().map(|card| view! { <li><Card card/></li> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn Card(card: ScenarioCard) -> impl IntoView {
    view! {
        <article class="card">
            <h2 class="card-title">
                <a href=format!("/scenarios/{}", card.slug)>{card.title}</a>
            </h2>
            <p>{card.summary}</p>
            {card.excerpt.map(|parts| view! { <Excerpt parts/> })}
            <div class="card-meta">
                <LevelBadge level=card.level/>
                <TopicChips topics=card.topics/>
            </div>
        </article>
    }
}

/// A search excerpt: odd-numbered parts are the matched words.
#[component]
fn Excerpt(parts: Vec<String>) -> impl IntoView {
    view! {
        <p class="excerpt">
            {parts.into_iter().enumerate().map(|(i, text)| {
                if i % 2 == 1 {
                    view! { <mark>{text}</mark> }.into_any()
                } else {
                    text.into_any()
                }
            }).collect_view()}
        </p>
    }
}
