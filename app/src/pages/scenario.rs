//! One scenario: the prompt, the answer key part by part, the key points and the follow-ups.
use crate::api::library::get_scenario;
use crate::components::badges::{LevelBadge, TopicChips};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::loaded::loaded;
use crate::domain::library::{ScenarioDetail, SectionKind};
use crate::pages::practice::PractiseScenario;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ScenarioPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let scenario = Resource::new(slug, get_scenario);
    // `?open=all` opens every part of the answer key: a plain link, so the page needs no wasm.
    let open_all = use_query_map().read_untracked().get("open").as_deref() == Some("all");
    loaded(scenario, move |s| view! { <ScenarioView s open_all/> })
}

/// "kubectl 1.31, mlflow 2.19": the versions a drill's commands were checked against.
pub fn checked_with_line(checked: &[(String, String)]) -> Option<String> {
    (!checked.is_empty()).then(|| {
        checked
            .iter()
            .map(|(tool, version)| format!("{tool} {version}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

#[component]
fn ScenarioView(s: ScenarioDetail, open_all: bool) -> impl IntoView {
    let key_points = s.key_points;
    let checked = checked_with_line(&s.checked_with);
    let (examples, answer_key): (Vec<_>, Vec<_>) = s
        .sections
        .into_iter()
        .partition(|section| section.kind.is_example());
    view! {
        <Title text=s.title.clone()/>
        <article class="wrap narrow scenario">
            <Breadcrumb parent_href="/scenarios" parent="Scenarios" current=s.title.clone()/>
            <header class="scenario-header">
                <h1>{s.title}</h1>
                <p class="lead">{s.summary}</p>
                <div class="card-meta">
                    <LevelBadge level=s.level/>
                    <TopicChips topics=s.topics/>
                    <a class="version" href=format!("/scenarios/{}/history", s.slug)>
                        {format!("Version {}", s.version)}
                        <span class="visually-hidden">": history"</span>
                    </a>
                </div>
            </header>

            <section class="prompt" aria-labelledby="prompt-heading">
                <h2 id="prompt-heading">"The prompt"</h2>
                <div class="prose" inner_html=s.prompt_html></div>
            </section>

            <PractiseScenario slug=s.slug.clone() version=s.version/>

            <section aria-labelledby="key-heading" id="answer-key">
                <div class="section-head">
                    <h2 id="key-heading">"Answer key"</h2>
                    {if open_all {
                        view! {
                            <a class="button secondary expand-all" href=format!("/scenarios/{}#answer-key", s.slug)>
                                "Close all parts"
                            </a>
                        }
                    } else {
                        view! {
                            <a class="button secondary expand-all" href=format!("/scenarios/{}?open=all#answer-key", s.slug)>
                                "Open all parts"
                            </a>
                        }
                    }}
                </div>
                <p class="hint">
                    "Answer first, out loud or on paper, then open each part to compare."
                </p>
                {answer_key.into_iter().map(|section| {
                    let checked = (section.kind == SectionKind::Commands).then(|| checked.clone()).flatten();
                    view! {
                        <details class="key-part" id=format!("part-{}", section.kind.key()) open=open_all>
                            <summary>{section.kind.heading()}</summary>
                            {checked.map(|c| view! { <p class="hint checked-with">{format!("Checked against {c}.")}</p> })}
                            <div class="prose" inner_html=section.html></div>
                        </details>
                    }
                }).collect_view()}
                <details class="key-part" id="part-key-points" open=open_all>
                    <summary>{format!("Key points a scorer looks for ({})", key_points.len())}</summary>
                    <ol class="key-points">
                        {key_points.into_iter().map(|k| view! {
                            <li>
                                <span class="kp-label">{k.label}</span>
                                <span class="kp-signals">
                                    "Signals: " {k.synonyms.join(", ")}
                                </span>
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            </section>

            <section aria-labelledby="follow-ups-heading">
                <h2 id="follow-ups-heading">"Follow-up questions"</h2>
                <ol class="follow-ups" id="follow-ups">
                    {s.follow_ups.into_iter().map(|f| view! {
                        <li inner_html=f.html></li>
                    }).collect_view()}
                </ol>
            </section>

            {(!examples.is_empty()).then(|| view! {
                <section aria-labelledby="examples-heading" id="examples">
                    <h2 id="examples-heading">"Example answers"</h2>
                    <p class="hint">"What a weak and an excellent answer sound like, scored on the rubric. Read them after scoring your own."</p>
                    {examples.into_iter().map(|section| view! {
                        <details class="key-part example" id=format!("part-{}", section.kind.key())>
                            <summary>{section.kind.heading()}</summary>
                            <div class="prose" inner_html=section.html></div>
                        </details>
                    }).collect_view()}
                </section>
            })}
        </article>
    }
}
