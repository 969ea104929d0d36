//! Practising alone: the dashboard (what to practise next) and one attempt through its three
//! stages: answering, self-scoring, and the answer key with what was missed.
use crate::api::account::who_am_i;
use crate::api::calibration::CalibrationConsent;
use crate::api::practice::{
    get_attempt, practice_dashboard, SaveAnswer, StartAttempt, SubmitSelfScore,
};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::form::{field_error, FormError, Notice};
use crate::components::loaded::loaded;
use crate::components::practice::{AutosaveBox, PracticeTimer, SaveTarget};
use crate::components::scoring::{KeyPointMarks, RubricFields};
use crate::domain::error::AppError;
use crate::domain::number::fixed;
use crate::domain::practice::{
    clock, date, date_time, score_text, Attempt, AttemptRow, Dashboard, Mark, Scorecard, Stage,
    MAX_ANSWER_CHARS, TIME_LIMITS_MIN,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

mod reviewed;
use reviewed::Reviewed;

/// "Practise this scenario": start (or resume) an attempt, optionally timed.
#[component]
pub fn StartForm(
    slug: String,
    version: i64,
    #[prop(default = "Start practising")] label: &'static str,
    #[prop(default = true)] choose_limit: bool,
) -> impl IntoView {
    let start = ServerAction::<StartAttempt>::new();
    let error = start.value().get_untracked().and_then(Result::err);
    let limit_error = field_error(&error, "time_limit");
    view! {
        <ActionForm action=start attr:class="start-form">
            <FormError error=error.clone() fields=&["time_limit"]/>
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="version" value=version.to_string()/>
            {choose_limit.then(|| view! {
                <div class="field inline">
                    <label for="time_limit">"Time limit"</label>
                    <select id="time_limit" name="time_limit"
                        aria-invalid=limit_error.is_some().then_some("true")
                        aria-describedby=limit_error.is_some().then_some("time_limit-error")>
                        <option value="">"None, just time me"</option>
                        {TIME_LIMITS_MIN.map(|m| view! {
                            <option value=m.to_string() selected=m == 15>{format!("{m} minutes")}</option>
                        }).collect_view()}
                    </select>
                    {limit_error.map(|m| view! { <p class="field-error" id="time_limit-error">{m}</p> })}
                </div>
            })}
            <button type="submit" class="button">{label}</button>
        </ActionForm>
    }
}

/// The practice section of a scenario page: start for the signed in, sign in for others.
#[component]
pub fn PractiseScenario(slug: String, version: i64) -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <section class="practise-box" aria-labelledby="practise-heading">
            <h2 id="practise-heading">"Practise this scenario"</h2>
            <p>
                "Answer in writing against the clock, score yourself on the rubric, then see the "
                "answer key with what you missed."
            </p>
            <Suspense fallback=|| ()>
                {
                    let slug = slug.clone();
                    move || {
                        let slug = slug.clone();
                        Suspend::new(async move {
                            match me.await.ok().flatten() {
                                Some(_) => view! { <StartForm slug version/> }.into_any(),
                                None => view! {
                                    <p>
                                        <a class="button" href=format!("/sign-in?next=/scenarios/{slug}")>"Sign in to practise"</a>
                                    </p>
                                }
                                .into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

#[component]
pub fn PracticePage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| practice_dashboard());
    loaded(dashboard, |d| view! { <DashboardView d/> })
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let now = d.now;
    view! {
        <Title text="Practice"/>
        <div class="wrap practice-dashboard">
            <h1>"Practice"</h1>
            <div class="dashboard-grid">
                <section class="panel next-panel" aria-labelledby="next-heading">
                    <h2 id="next-heading">"Practise next"</h2>
                    {match d.next {
                        Some(next) => view! {
                            <p class="next-title"><a href=format!("/scenarios/{}", next.slug)>{next.title.clone()}</a></p>
                            <p class="hint">{next.reason.clone()}</p>
                            <StartForm slug=next.slug.clone() version=next.version label="Practise next" choose_limit=false/>
                        }.into_any(),
                        None => view! { <p>"The library is empty."</p> }.into_any(),
                    }}
                </section>
                <section class="panel" aria-labelledby="progress-heading">
                    <h2 id="progress-heading">"Library progress"</h2>
                    <p class="big-number">{format!("{} of {}", d.attempted, d.total)}</p>
                    <p class="hint">"scenarios answered"</p>
                    <progress max=d.total.max(1).to_string() value=d.attempted.to_string()
                        aria-label="Scenarios answered"></progress>
                    <p><a href="/history">"Score history and progress by topic"</a></p>
                </section>
                <section class="panel" aria-labelledby="weakest-heading">
                    <h2 id="weakest-heading">"Weakest dimensions"</h2>
                    {if d.weakest.is_empty() {
                        view! { <p class="hint">"Score an attempt to see where to improve."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="weakest">
                                {d.weakest.into_iter().map(|w| view! {
                                    <li>
                                        <span>{w.name}</span>
                                        <meter min="1" max="4" low="2.5" high="3.25" optimum="4"
                                            value=fixed(w.mean, 2)
                                            aria-label=format!("{} mean score", w.key)></meter>
                                        <span class="score">{score_text(w.mean)}</span>
                                    </li>
                                }).collect_view()}
                            </ol>
                            <p><a href="/rubric">"What each score means"</a></p>
                        }.into_any()
                    }}
                </section>
            </div>

            <section aria-labelledby="due-heading">
                <h2 id="due-heading">"Due for review"</h2>
                {if d.due.is_empty() {
                    view! { <p class="hint">"Nothing is due. Scored scenarios come back here when it is time to practise them again."</p> }.into_any()
                } else {
                    view! {
                        <ul class="due-list">
                            {d.due.into_iter().map(|s| view! {
                                <li>
                                    <a href=format!("/scenarios/{}", s.slug)>{s.title}</a>
                                    <span class="hint">{if s.due_at < now - 86_400_000 {
                                        format!(" overdue since {}", date(s.due_at))
                                    } else {
                                        " due today".to_string()
                                    }}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>

            {(!d.in_progress.is_empty()).then(|| view! {
                <section aria-labelledby="open-heading">
                    <h2 id="open-heading">"Unfinished answers"</h2>
                    <AttemptList rows=d.in_progress/>
                </section>
            })}

            <section aria-labelledby="recent-heading">
                <h2 id="recent-heading">"Recent attempts"</h2>
                {if d.recent.is_empty() {
                    view! { <p class="hint">"No attempts yet. Pick a scenario from the "<a href="/scenarios">"library"</a>" or press Practise next."</p> }.into_any()
                } else {
                    view! { <AttemptList rows=d.recent/> }.into_any()
                }}
            </section>
        </div>
    }
}

/// A table of attempts, each linking to its page.
#[component]
pub fn AttemptList(rows: Vec<AttemptRow>) -> impl IntoView {
    let any_interviewer = rows.iter().any(|r| r.interviewer_mean.is_some());
    view! {
        <div class="table-scroll">
            <table class="attempts">
                <thead>
                    <tr>
                        <th scope="col">"Scenario"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Time taken"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Self-score"</th>
                        {any_interviewer.then(|| view! {
                            <th scope="col">"Interviewer"</th>
                            <th scope="col">"Gap"</th>
                        })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let status = r.status();
                        let gap = r.self_mean.zip(r.interviewer_mean).map(|(s, i)| s - i);
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("/practice/{}", r.id)>{r.scenario.title.clone()}</a>
                                    <span class="hint">{format!(" v{}", r.scenario.version)}</span>
                                </th>
                                <td>{date_time(r.started_at)}</td>
                                <td>{r.duration_ms.map(clock).unwrap_or_else(|| "\u{2014}".into())}</td>
                                <td>{status}</td>
                                <td>{r.self_mean.map(score_text).unwrap_or_else(|| "\u{2014}".into())}</td>
                                {any_interviewer.then(|| view! {
                                    <td>{r.interviewer_mean.map(score_text).unwrap_or_else(|| "\u{2014}".into())}</td>
                                    <td>{gap.map(|g| format!("{g:+.2}")).unwrap_or_else(|| "\u{2014}".into())}</td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn AttemptPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let attempt = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_attempt(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Read before the await, where the router is in context (see `loaded`).
    let query = use_query_map().get_untracked();
    loaded(
        attempt,
        move |a| view! { <AttemptView a query=query.clone()/> },
    )
}

#[component]
fn AttemptView(a: Attempt, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let title = a.scenario.title.clone();
    let stage_label = match a.stage {
        Stage::Answering => "Answer",
        Stage::Scoring => "Score yourself",
        Stage::Reviewed => "Answer key",
    };
    view! {
        <Title text=format!("{stage_label}: {title}")/>
        <article class="wrap attempt">
            <Breadcrumb parent_href="/practice" parent="Practice" current=title.clone()/>
            <header class="attempt-header">
                <h1>{title.clone()}</h1>
                <ol class="stage-steps" aria-label="Steps">
                    {[("Answer", Stage::Answering), ("Score yourself", Stage::Scoring), ("Answer key", Stage::Reviewed)]
                        .map(|(label, stage)| view! {
                            <li aria-current=(stage == a.stage).then_some("step")
                                class:done=stage_rank(stage) < stage_rank(a.stage)>{label}</li>
                        }).collect_view()}
                </ol>
                {a.outdated.then(|| view! {
                    <p class="notice">
                        {format!("This attempt answers version {} of the scenario; it has been revised since.", a.scenario.version)}
                    </p>
                })}
            </header>
            {(a.mock && a.submitted_at.is_some()).then(|| view! {
                <CalibrationConsentForm attempt_id=a.id consent_at=a.calibration_consent_at saved=query.get("saved")/>
            })}
            {match a.stage {
                Stage::Answering => view! { <Answering a query=query.clone()/> }.into_any(),
                Stage::Scoring => view! { <Scoring a/> }.into_any(),
                Stage::Reviewed => view! { <Reviewed a/> }.into_any(),
            }}
        </article>
    }
}

/// A finished mock interview can be offered to the interviewer's team as a calibration
/// reference answer; the candidate decides, and can change their mind.
#[component]
fn CalibrationConsentForm(
    attempt_id: i64,
    consent_at: Option<i64>,
    saved: Option<String>,
) -> impl IntoView {
    let consent = ServerAction::<CalibrationConsent>::new();
    let error = consent.value().get_untracked().and_then(Result::err);
    view! {
        <section class="panel consent" aria-labelledby="consent-heading" id="consent">
            <h2 id="consent-heading">"Help interviewers calibrate"</h2>
            <Notice message=(saved.as_deref() == Some("consent")).then_some("Your choice is saved.")/>
            <FormError error/>
            <ActionForm action=consent>
                <input type="hidden" name="attempt_id" value=attempt_id.to_string()/>
                {match consent_at {
                    Some(at) => view! {
                        <p>{format!("You agreed on {} that the interviewer's team may use this interview (the interviewer's notes of your answer) as a reference answer when they practise scoring.", date(at))}</p>
                        <input type="hidden" name="consent" value="no"/>
                        <button type="submit" class="button secondary">"Withdraw my agreement"</button>
                        <p class="hint">"Exercises already made from it keep their copy."</p>
                    }.into_any(),
                    None => view! {
                        <p>"May the interviewer's team use this interview (the interviewer's notes of your answer) as a reference answer when they practise scoring? Your name is not shown to raters."</p>
                        <input type="hidden" name="consent" value="yes"/>
                        <button type="submit" class="button secondary">"Yes, they may use it"</button>
                    }.into_any(),
                }}
            </ActionForm>
        </section>
    }
}

fn stage_rank(stage: Stage) -> u8 {
    match stage {
        Stage::Answering => 0,
        Stage::Scoring => 1,
        Stage::Reviewed => 2,
    }
}

#[component]
fn Prompt(html: String) -> impl IntoView {
    view! {
        <section class="prompt" aria-labelledby="prompt-heading">
            <h2 id="prompt-heading">"The prompt"</h2>
            <div class="prose" inner_html=html></div>
        </section>
    }
}

#[component]
fn Answering(a: Attempt, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let save = ServerAction::<SaveAnswer>::new();
    let error = save.value().get_untracked().and_then(Result::err);
    let answer_error = field_error(&error, "answer");
    let saved = query.get("saved").is_some();
    let resumed = query.get("resumed").is_some();
    view! {
        <div class="answering">
            <div class="attempt-bar">
                <PracticeTimer started_at=a.started_at now=a.now time_limit_s=a.time_limit_s/>
                <p class="hint">
                    {format!("Started {}", date_time(a.started_at))}
                    {a.time_limit_s.map(|s| format!(" \u{b7} limit {} minutes", s / 60))}
                </p>
            </div>
            <Notice message=resumed.then_some("You had an unfinished answer to this scenario; here it is.")/>
            <Notice message=saved.then_some("Draft saved.")/>
            <Prompt html=a.prompt_html/>
            <section aria-labelledby="answer-heading">
                <h2 id="answer-heading">"Your answer"</h2>
                <ActionForm action=save attr:class="answer-form">
                    <FormError error=error.clone() fields=&["answer"]/>
                    <input type="hidden" name="attempt_id" value=a.id.to_string()/>
                    {answer_error.map(|m| view! { <p class="field-error" id="answer-error" role="alert">{m}</p> })}
                    <AutosaveBox
                        target=SaveTarget::Answer { attempt_id: a.id }
                        name="answer".to_string()
                        label="Your answer".to_string()
                        hint="Markdown works: lists, **bold**, `code`. Talk through what you would check, in order.".to_string()
                        initial=a.answer_md
                        max_chars=MAX_ANSWER_CHARS
                        rows=18
                    />
                    <div class="form-actions">
                        <button type="submit" name="intent" value="submit" class="button">"Submit answer"</button>
                        <button type="submit" name="intent" value="save" class="button secondary">"Save draft"</button>
                    </div>
                    <p class="hint">"Once submitted, the answer is final: you score it next."</p>
                </ActionForm>
            </section>
        </div>
    }
}

/// The candidate's submitted answer, rendered.
#[component]
fn YourAnswer(html: String, duration_ms: Option<i64>, mock: bool) -> impl IntoView {
    view! {
        <section class="your-answer" aria-labelledby="your-answer-heading">
            <h2 id="your-answer-heading">"Your answer"</h2>
            {duration_ms.map(|d| view! { <p class="hint">{format!("Answered in {}", clock(d))}</p> })}
            {if mock {
                view! { <p class="hint">"You answered this out loud, in a mock interview: score how it went."</p> }.into_any()
            } else if html.trim().is_empty() {
                view! { <p class="hint">"(empty)"</p> }.into_any()
            } else {
                view! { <div class="prose answer-text" inner_html=html></div> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Scoring(a: Attempt) -> impl IntoView {
    let score = ServerAction::<SubmitSelfScore>::new();
    let error = score.value().get_untracked().and_then(Result::err);
    view! {
        <div class="scoring">
            <Prompt html=a.prompt_html.clone()/>
            <YourAnswer html=a.answer_html.clone() duration_ms=a.duration_ms mock=a.mock/>
            <section aria-labelledby="score-heading">
                <h2 id="score-heading">"Score yourself"</h2>
                <p>
                    "Be honest: pick the description closest to what you wrote, not what you meant. "
                    "The answer key opens after you save; this self-score is final."
                </p>
                <ActionForm action=score attr:class="score-form">
                    {match &error {
                        Some(AppError::Validation(_)) => view! {
                            <p class="form-error" role="alert">"Some scores are missing or invalid; each is marked below."</p>
                        }.into_any(),
                        Some(e) => view! { <FormError error=Some(e.clone())/> }.into_any(),
                        None => ().into_any(),
                    }}
                    <input type="hidden" name="attempt_id" value=a.id.to_string()/>
                    <h3>"Rubric"</h3>
                    <RubricFields dimensions=a.dimensions error=error.clone()/>
                    <h3>"Key points"</h3>
                    <p class="hint">"Did your answer cover each of these?"</p>
                    <KeyPointMarks key_points=a.key_points.into_iter().map(|k| (k, None)).collect() error=error.clone()/>
                    <button type="submit" class="button">"Save self-score and see the answer key"</button>
                </ActionForm>
            </section>
        </div>
    }
}
