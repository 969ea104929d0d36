//! The scoring rubric: every dimension with what a 1, 2, 3 and 4 answer looks like.
use crate::api::library::get_rubric;
use crate::components::loaded::loaded;
use crate::domain::library::Rubric;
use crate::domain::number::fixed;
use leptos::prelude::*;
use leptos_meta::Title;

/// What each score means, as a word; the rubric text says what it looks like. Scores describe
/// what was observed, whatever the candidate's level: the level enters only through the bar.
const SCORE_NAMES: [&str; 4] = ["Weak", "Partial", "Solid", "Outstanding"];

#[component]
pub fn RubricPage() -> impl IntoView {
    let rubric = Resource::new(|| (), |_| get_rubric());
    view! {
        <Title text="Scoring rubric"/>
        {loaded(rubric, |r| view! { <RubricView r/> })}
    }
}

#[component]
fn RubricView(r: Rubric) -> impl IntoView {
    view! {
        <div class="wrap narrow rubric">
            <h1>{r.name}</h1>
            <p class="lead">{r.description}</p>
            <nav aria-label="Dimensions" class="toc">
                <ol>
                    {r.dimensions.iter().map(|d| view! {
                        <li><a href=format!("#dim-{}", d.key)>{d.name.clone()}</a></li>
                    }).collect_view()}
                </ol>
            </nav>
            {r.dimensions.into_iter().map(|d| view! {
                <section class="dimension" id=format!("dim-{}", d.key) aria-labelledby=format!("dim-{}-h", d.key)>
                    <h2 id=format!("dim-{}-h", d.key)>{d.name.clone()}</h2>
                    <p>{d.description}</p>
                    <table class="levels">
                        <caption class="visually-hidden">{format!("{}: what each score looks like", d.name)}</caption>
                        <thead>
                            <tr><th scope="col">"Score"</th><th scope="col">"What the answer shows"</th></tr>
                        </thead>
                        <tbody>
                            {d.levels.into_iter().enumerate().map(|(i, text)| view! {
                                <tr class=format!("score-{}", i + 1)>
                                    <th scope="row">
                                        <span class="score">{i + 1}</span>
                                        <span class="score-name">{SCORE_NAMES[i]}</span>
                                    </th>
                                    <td>{text}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }).collect_view()}
            <section aria-labelledby="recommendation-heading">
                <h2 id="recommendation-heading">"Overall recommendation"</h2>
                <p>"Given at a target level (mid-level, senior or staff), after the dimensions are scored."</p>
                {(!r.bars.is_empty()).then(|| view! {
                    <div class="prose rule" inner_html=r.rule_html.clone()></div>
                    <table class="bars">
                        <caption>"The mean a \u{201c}yes\u{201d} needs, by target level"</caption>
                        <thead><tr><th scope="col">"Level"</th><th scope="col">"Bar"</th></tr></thead>
                        <tbody>
                            {r.bars.iter().map(|(level, bar)| view! {
                                <tr><th scope="row">{level.label()}</th><td>{fixed(f64::from(*bar) / 100.0, 2)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                <dl class="recommendations">
                    {r.recommendations.into_iter().map(|rec| view! {
                        <div class=format!("rec rec-{}", rec.key)>
                            <dt>{rec.label}</dt>
                            <dd>{rec.description}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
        </div>
    }
}
