//! Small labels for a scenario's topics and level.
use crate::domain::taxonomy::{Level, Topic};
use leptos::prelude::*;

/// A topic, linking to the library filtered by it.
#[component]
pub fn TopicChip(topic: Topic) -> impl IntoView {
    view! {
        <a class=format!("chip topic-{}", topic.key()) href=format!("/scenarios?topic={}", topic.key())>
            {topic.label()}
        </a>
    }
}

#[component]
pub fn TopicChips(topics: Vec<Topic>) -> impl IntoView {
    view! {
        <ul class="chips" aria-label="Topics">
            {topics.into_iter().map(|t| view! { <li><TopicChip topic=t/></li> }).collect_view()}
        </ul>
    }
}

#[component]
pub fn LevelBadge(level: Level) -> impl IntoView {
    view! {
        <span class=format!("level level-{}", level.key())>
            <span class="visually-hidden">"Level: "</span>
            {level.label()}
        </span>
    }
}
