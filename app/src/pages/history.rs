//! Score history: each rubric dimension over time, progress and mastery per topic, every
//! attempt (filtered), and two attempts of one scenario side by side.
use super::practice::AttemptList;
use crate::api::practice::{compare_attempts, practice_history};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::chart::{AgreementTrend, ScoreTrend};
use crate::components::loaded::loaded;
use crate::domain::error::AppError;
use crate::domain::number::fixed;
use crate::domain::practice::{clock, date, date_time, score_text, Attempt, Comparison, History};
use crate::domain::taxonomy::Topic;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("topic").unwrap_or_default(),
            q.get("scenario").unwrap_or_default(),
        )
    };
    let history = Resource::new(args, |(topic, scenario)| practice_history(topic, scenario));
    loaded(history, |h| view! { <HistoryView h/> })
}

#[component]
fn HistoryView(h: History) -> impl IntoView {
    let scored: usize = h.series.iter().map(|s| s.points.len()).max().unwrap_or(0);
    // One row per scored attempt for the table: (attempt, date, scores by dimension).
    let mut table_rows: Vec<(i64, i64)> = h
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| (p.0, p.1)))
        .collect();
    table_rows.sort_by_key(|r| (r.1, r.0));
    table_rows.dedup();
    let series = h.series.clone();
    let has_interviewer = h.series.iter().any(|s| !s.interviewer_points.is_empty());
    let filter = h.filter.clone();
    let filtered = filter.topic.is_some() || filter.scenario.is_some();
    view! {
        <Title text="History"/>
        <div class="wrap history">
            <h1>"Your history"</h1>
            <p class="actions-row">
                <a class="button secondary" href="/history/export.csv" download>"Export attempts (CSV)"</a>
            </p>

            <section aria-labelledby="trend-heading">
                <h2 id="trend-heading">"Scores over time"</h2>
                {if scored < 2 {
                    view! {
                        <p class="hint empty-chart">
                            {format!("Score {} more attempt{} to see your trend on each rubric dimension.",
                                2 - scored, if scored == 1 { "" } else { "s" })}
                        </p>
                    }.into_any()
                } else {
                    view! {
                        {has_interviewer.then(|| view! {
                            <p class="chart-legend">
                                <span class="legend-self">"\u{25cf} your self-scores"</span>
                                <span class="legend-interviewer">"\u{25a0} interviewers' scores shared with you"</span>
                            </p>
                        })}
                        <div class="trends" id="score-trends">
                            {series.clone().into_iter().map(|s| view! { <ScoreTrend series=s/> }).collect_view()}
                        </div>
                        <details class="as-table">
                            <summary>"The same scores as a table"</summary>
                            <div class="table-scroll">
                                <table>
                                    <caption class="visually-hidden">"Self-scores per rubric dimension, oldest first"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Scored"</th>
                                            {series.iter().map(|s| view! { <th scope="col">{s.name.clone()}</th> }).collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {table_rows.into_iter().map(|(attempt, at)| view! {
                                            <tr>
                                                <th scope="row"><a href=format!("/practice/{attempt}")>{date_time(at)}</a></th>
                                                {series.iter().map(|s| view! {
                                                    <td>{s.points.iter().find(|p| p.0 == attempt).map(|p| p.2.to_string())}</td>
                                                }).collect_view()}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </details>
                    }.into_any()
                }}
            </section>

            {(!h.assessor_agreement.is_empty()).then(|| {
                let points = h.assessor_agreement.clone();
                let (agreed, compared) = points.iter().fold((0, 0), |(a, c), p| (a + p.2, c + p.3));
                let half = points.len() / 2;
                let share = |ps: &[(i64, i64, i64, i64)]| {
                    let (a, c) = ps.iter().fold((0, 0), |(a, c), p| (a + p.2, c + p.3));
                    if c > 0 { Some(100.0 * a as f64 / c as f64) } else { None }
                };
                let change = (points.len() >= 4).then(|| (share(&points[..half]), share(&points[half..])));
                view! {
                    <section aria-labelledby="assessor-heading" class="assessor-agreement">
                        <h2 id="assessor-heading">"Your ticks and the assessor"</h2>
                        <p>
                            {format!("Over {} self-scored answer{}, your key-point ticks and the assessor's reading agreed on {}% of key points.",
                                points.len(), if points.len() == 1 { "" } else { "s" },
                                fixed(if compared > 0 { 100.0 * agreed as f64 / compared as f64 } else { 0.0 }, 0))}
                            {change.and_then(|(a, b)| a.zip(b)).map(|(a, b)| format!(" Earlier answers: {}%; recent ones: {}%.", fixed(a, 0), fixed(b, 0)))}
                        </p>
                        <p class="hint">"A growing agreement means your ticks name what your answers actually say; a low one, that you credit yourself for points you only meant."</p>
                        {(points.len() >= 2).then(|| view! { <AgreementTrend points=points.clone()/> })}
                    </section>
                }
            })}

            <section aria-labelledby="topics-heading">
                <h2 id="topics-heading">"Progress by topic"</h2>
                <p>{format!("{} of {} scenarios answered.", h.attempted, h.total)}</p>
                <div class="table-scroll">
                    <table class="topic-progress">
                        <thead>
                            <tr>
                                <th scope="col">"Topic"</th>
                                <th scope="col">"Answered"</th>
                                <th scope="col">"Mastery (latest self-score)"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {h.progress.into_iter().map(|p| view! {
                                <tr>
                                    <th scope="row"><a href=format!("/history?topic={}", p.topic.key())>{p.topic.label()}</a></th>
                                    <td>
                                        <progress max=p.total.max(1).to_string() value=p.attempted.to_string()
                                            aria-label=format!("{} answered", p.topic.label())></progress>
                                        {format!(" {} of {}", p.attempted, p.total)}
                                    </td>
                                    <td>
                                        {match p.mastery {
                                            Some(m) => view! {
                                                <meter min="1" max="4" low="2.5" high="3.25" optimum="4"
                                                    value=fixed(m, 2) aria-label=format!("{} mastery", p.topic.label())></meter>
                                                {format!(" {}", score_text(m))}
                                            }.into_any(),
                                            None => view! { <span class="hint">"not scored yet"</span> }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>

            <section aria-labelledby="attempts-heading">
                <h2 id="attempts-heading">"Attempts"</h2>
                <form method="get" action="/history" class="filters" role="search" aria-label="Filter attempts">
                    <div class="field inline">
                        <label for="topic">"Topic"</label>
                        <select id="topic" name="topic">
                            <option value="">"All topics"</option>
                            {Topic::ALL.map(|t| view! {
                                <option value=t.key() selected=filter.topic == Some(t)>{t.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field inline">
                        <label for="scenario">"Scenario"</label>
                        <select id="scenario" name="scenario">
                            <option value="">"All scenarios"</option>
                            {h.scenarios.into_iter().map(|(slug, title)| {
                                let selected = filter.scenario.as_deref() == Some(slug.as_str());
                                view! { <option value=slug selected=selected>{title}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button secondary">"Filter"</button>
                    {filtered.then(|| view! { <a href="/history">"Clear filters"</a> })}
                </form>
                {if h.attempts.is_empty() {
                    view! { <p class="hint">"No attempts match."</p> }.into_any()
                } else {
                    let compare = compare_link(&h.attempts);
                    view! {
                        {compare.map(|(a, b)| view! {
                            <p><a href=format!("/history/compare?a={a}&b={b}")>"Compare the latest two attempts at this scenario"</a></p>
                        })}
                        <AttemptList rows=h.attempts/>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

/// When the list is one scenario's attempts, its two latest submitted ones (older first).
fn compare_link(rows: &[crate::domain::practice::AttemptRow]) -> Option<(i64, i64)> {
    let slug = &rows.first()?.scenario.slug;
    if rows.iter().any(|r| &r.scenario.slug != slug) {
        return None;
    }
    let mut done = rows.iter().filter(|r| r.submitted_at.is_some());
    let newest = done.next()?;
    let older = done.next()?;
    Some((older.id, newest.id))
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("a").and_then(|v| v.parse::<i64>().ok()),
            q.get("b").and_then(|v| v.parse::<i64>().ok()),
        )
    };
    let comparison = Resource::new(args, |(a, b)| async move {
        match (a, b) {
            (Some(a), Some(b)) => compare_attempts(a, b).await,
            _ => Err(AppError::invalid("a", "Choose two attempts to compare.")),
        }
    });
    loaded(comparison, |c| view! { <CompareView c/> })
}

#[component]
fn CompareView(c: Comparison) -> impl IntoView {
    let [left, right] = c.sides;
    let (a, b) = (left.id, right.id);
    view! {
        <Title text=format!("Compare: {}", c.scenario.title)/>
        <div class="wrap compare">
            <Breadcrumb parent_href="/history" parent="History" current="Compare attempts".to_string()/>
            <h1>{c.scenario.title.clone()}</h1>
            <form method="get" action="/history/compare" class="filters" aria-label="Choose attempts">
                {[("a", "Left", a), ("b", "Right", b)].map(|(name, label, current)| view! {
                    <div class="field inline">
                        <label for=name>{label}</label>
                        <select id=name name=name>
                            {c.choices.iter().map(|r| view! {
                                <option value=r.id.to_string() selected=r.id == current>
                                    {format!("{} \u{b7} {}", date_time(r.started_at), r.status())}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                }).collect_view()}
                <button type="submit" class="button secondary">"Compare"</button>
            </form>
            <div class="table-scroll">
                <table class="scores compare-scores">
                    <thead>
                        <tr>
                            <th scope="col">"Dimension"</th>
                            <th scope="col">{date(left.started_at)}</th>
                            <th scope="col">{date(right.started_at)}</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {c.dimensions.iter().map(|d| {
                            let l = left.self_card.as_ref().and_then(|s| s.score(&d.key));
                            let r = right.self_card.as_ref().and_then(|s| s.score(&d.key));
                            view! {
                                <tr>
                                    <th scope="row">{d.name.clone()}</th>
                                    <td>{l.map(|v| v.to_string())}</td>
                                    <td>{r.map(|v| v.to_string())}</td>
                                    <td>{l.zip(r).map(|(l, r)| format!("{:+}", r - l))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="side-by-side">
                <CompareSide a=left/>
                <CompareSide a=right/>
            </div>
        </div>
    }
}

#[component]
fn CompareSide(a: Attempt) -> impl IntoView {
    view! {
        <section class="compare-side" aria-label=format!("Attempt of {}", date_time(a.started_at))>
            <h2><a href=format!("/practice/{}", a.id)>{date_time(a.started_at)}</a></h2>
            <p class="hint">
                {a.duration_ms.map(|d| format!("Answered in {}", clock(d))).unwrap_or_else(|| "Not submitted".into())}
                {a.self_card.as_ref().map(|c| format!(" \u{b7} self-score {}", score_text(c.mean())))}
            </p>
            {if a.answer_html.trim().is_empty() {
                view! { <p class="hint">"No answer submitted yet."</p> }.into_any()
            } else {
                view! { <div class="prose answer-text" inner_html=a.answer_html></div> }.into_any()
            }}
        </section>
    }
}
