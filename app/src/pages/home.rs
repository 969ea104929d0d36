//! The home page: what the app is for, and the way into the library.
use crate::api::library::library_overview;
use crate::components::loaded::loaded;
use crate::domain::library::LibraryStats;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| library_overview());
    view! {
        <Title text=""/>
        <div class="wrap">
            <section class="hero">
                <h1>"Practise MLOps incident interviews like the real thing"</h1>
                <p class="lead">
                    "Production-incident scenarios for MLOps, ML-platform and LLMOps roles, each "
                    "with a senior-level answer key, the key points a scorer looks for, and the "
                    "follow-up questions interviewers ask."
                </p>
                <p class="hero-actions">
                    <a class="button" href="/scenarios">"Browse the scenarios"</a>
                    <a class="button secondary" href="/practice">"Practise with a timer"</a>
                    <a class="button secondary" href="/frameworks/how-to-answer">
                        "How to answer"
                    </a>
                </p>
            </section>
            {loaded(overview, |stats| view! { <TopicOverview stats/> })}
            <section class="steps" aria-labelledby="how">
                <h2 id="how">"How to use it"</h2>
                <ol>
                    <li>"Pick a scenario and read the prompt as if an interviewer said it."</li>
                    <li>"Answer in writing against the clock before you open the answer key."</li>
                    <li>"Score yourself on the rubric, then see which key points you missed."</li>
                    <li>"Come back when the scenario is due: weak answers return sooner."</li>
                </ol>
            </section>
        </div>
    }
}

#[component]
fn TopicOverview(stats: LibraryStats) -> impl IntoView {
    view! {
        <section aria-labelledby="by-topic">
            <h2 id="by-topic">"Scenarios by topic"</h2>
            <p id="library-size">
                {format!("{} scenarios and {} answer frameworks.", stats.scenarios, stats.frameworks)}
            </p>
            <ul class="topic-grid">
                {stats.per_topic.into_iter().map(|(topic, n)| view! {
                    <li>
                        <a href=format!("/scenarios?topic={}", topic.key())>
                            <span class="topic-name">{topic.label()}</span>
                            <span class="topic-count">
                                {format!("{n} scenario{}", if n == 1 { "" } else { "s" })}
                            </span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
