//! Team calibration: the list of a member's exercises with the lead's form, one exercise (blind
//! scoring, who has scored, the reveal, the results), and the lead's team dashboard.
mod team;
pub use team::TeamCalibrationPage;

use crate::api::calibration::{
    calibration_overview, get_exercise, CreateExercise, RevealExercise, SubmitRating,
};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::calibration::StripPlot;
use crate::components::form::{field_error, kept_value, textarea_text, FormError, Notice};
use crate::components::loaded::loaded;
use crate::components::scoring::RubricFields;
use crate::domain::calibration::{
    figure, signed, Agreement, ExerciseStage, ExerciseView, Overview, MAX_RATING_NOTES_CHARS,
    MAX_REFERENCE_CHARS,
};
use crate::domain::error::AppError;
use crate::domain::number::fixed;
use crate::domain::practice::{date, date_time};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CalibrationPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| calibration_overview());
    loaded(overview, |o| view! { <OverviewView o/> })
}

#[component]
fn OverviewView(o: Overview) -> impl IntoView {
    let leads: Vec<_> = o.teams.iter().filter(|t| t.is_lead).cloned().collect();
    view! {
        <Title text="Calibration"/>
        <div class="wrap calibration">
            <h1>"Calibration"</h1>
            <p class="lede">"Everyone on the team scores the same answer blind; the lead reveals the spread, each rater's lean, and how far the team agrees."</p>
            {if o.teams.is_empty() {
                view! { <p class="notice">"You are not on a hiring team yet. An admin adds interviewers to teams."</p> }.into_any()
            } else {
                view! {
                    <p class="hint">
                        {format!("Your team{}: ", if o.teams.len() == 1 { "" } else { "s" })}
                        {o.teams.iter().map(|t| if t.is_lead { format!("{} (lead)", t.name) } else { t.name.clone() }).collect::<Vec<_>>().join(", ")}
                    </p>
                    {(!leads.is_empty()).then(|| view! {
                        <ul class="inline-links">
                            {leads.iter().map(|t| view! {
                                <li><a href=format!("/calibration/teams/{}", t.id)>{format!("{} dashboard", t.name)}</a></li>
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any()
            }}
            <section aria-labelledby="exercises-heading">
                <h2 id="exercises-heading">"Exercises"</h2>
                {if o.exercises.is_empty() {
                    view! { <p class="hint">"No exercises yet. A team lead creates them."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                            <table class="attempts exercises">
                                <thead><tr>
                                    <th scope="col">"Exercise"</th>
                                    <th scope="col">"Team"</th>
                                    <th scope="col">"Scenario"</th>
                                    <th scope="col">"Created"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Scored"</th>
                                </tr></thead>
                                <tbody>
                                    {o.exercises.iter().map(|e| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/calibration/{}", e.id)>{e.title.clone()}</a></th>
                                            <td>{e.team.clone()}</td>
                                            <td>{e.scenario_title.clone()}</td>
                                            <td>{date(e.created_at)}</td>
                                            <td><span class=format!("badge stage-{:?}", e.stage).to_lowercase()>{e.stage.label()}</span></td>
                                            <td>{format!("{} of {}", e.rated, e.members)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
            {(!leads.is_empty()).then(|| view! { <NewExerciseForm o=o.clone()/> })}
        </div>
    }
}

#[component]
fn NewExerciseForm(o: Overview) -> impl IntoView {
    let create = ServerAction::<CreateExercise>::new();
    let error = create.value().get_untracked().and_then(Result::err);
    let kept = {
        let e = error.clone();
        move |f: &str| kept_value(&e, f)
    };
    let err = {
        let e = error.clone();
        move |f: &str| field_error(&e, f)
    };
    let leads: Vec<_> = o.teams.iter().filter(|t| t.is_lead).cloned().collect();
    let (title_err, scenario_err, source_err, reference_err) = (
        err("title"),
        err("scenario"),
        err("source"),
        err("reference"),
    );
    let chosen_scenario = kept("scenario");
    let chosen_source = kept("source");
    let described = |hint: &str, e: &Option<String>, name: &str| {
        let mut ids = vec![hint.to_string()];
        if e.is_some() {
            ids.push(format!("{name}-error"));
        }
        ids.join(" ")
    };
    view! {
        <section aria-labelledby="new-heading" class="form-page">
            <h2 id="new-heading">"New exercise"</h2>
            <ActionForm action=create attr:class="exercise-form">
                <FormError error=error.clone() fields=&["title", "scenario", "source", "reference"]/>
                {if leads.len() == 1 {
                    view! { <input type="hidden" name="team_id" value=leads[0].id.to_string()/> }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <label for="team">"Team"</label>
                            <select id="team" name="team_id" required=true>
                                {leads.iter().map(|t| view! {
                                    <option value=t.id.to_string() selected=kept("team_id").as_deref() == Some(t.id.to_string().as_str())>{t.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    }.into_any()
                }}
                <div class="field">
                    <label for="title">"Title"</label>
                    <input id="title" name="title" type="text" required=true maxlength="120" value=kept("title")
                        aria-invalid=title_err.is_some().then_some("true")
                        aria-describedby=title_err.is_some().then_some("title-error")/>
                    {title_err.clone().map(|m| view! { <p class="field-error" id="title-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="scenario">"Scenario"</label>
                    <select id="scenario" name="scenario"
                        aria-invalid=scenario_err.is_some().then_some("true")
                        aria-describedby=scenario_err.is_some().then_some("scenario-error")>
                        <option value="">"Choose the scenario"</option>
                        {o.scenarios.iter().map(|(slug, title)| view! {
                            <option value=slug.clone() selected=chosen_scenario.as_deref() == Some(slug.as_str())>{title.clone()}</option>
                        }).collect_view()}
                    </select>
                    {scenario_err.clone().map(|m| view! { <p class="field-error" id="scenario-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="source">"Take the answer from the scenario or a mock interview (optional)"</label>
                    <p class="hint" id="source-hint">"The chosen scenario's example answer at level 2 or 4 (a known level to calibrate against), or a finished mock interview of your team whose candidate agreed to it: its transcript (answer and evidence notes) becomes the reference answer, and its scenario is used."</p>
                    <select id="source" name="source" aria-describedby=described("source-hint", &source_err, "source")
                        aria-invalid=source_err.is_some().then_some("true")>
                        <option value="">"(none: write it below)"</option>
                        <option value="example-2" selected=chosen_source.as_deref() == Some("example-2")>"The scenario's example answer at level 2"</option>
                        <option value="example-4" selected=chosen_source.as_deref() == Some("example-4")>"The scenario's example answer at level 4"</option>
                        {o.sources.iter().map(|s| view! {
                            <option value=s.attempt_id.to_string() selected=chosen_source.as_deref() == Some(s.attempt_id.to_string().as_str())>{s.label.clone()}</option>
                        }).collect_view()}
                    </select>
                    {source_err.clone().map(|m| view! { <p class="field-error" id="source-error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="reference">"Reference answer (Markdown)"</label>
                    <p class="hint" id="reference-hint">"A transcript or written answer, as the candidate gave it. Everyone on the team scores this."</p>
                    <textarea id="reference" name="reference" rows="12" maxlength=MAX_REFERENCE_CHARS.to_string()
                        aria-invalid=reference_err.is_some().then_some("true")
                        aria-describedby=described("reference-hint", &reference_err, "reference")>{kept("reference").map(|t| textarea_text(&t))}</textarea>
                    {reference_err.clone().map(|m| view! { <p class="field-error" id="reference-error">{m}</p> })}
                </div>
                <fieldset class="expert-key">
                    <legend>"Expert key (optional)"</legend>
                    <p class="hint">"The scores you consider right. Raters never see them before the reveal; afterwards each rater's distance from the key is shown."</p>
                    <div class="expert-grid">
                        {o.dimensions.iter().map(|d| {
                            let name = format!("expert[{}]", d.key);
                            let e = err(&name);
                            let chosen = kept(&name);
                            let id = format!("expert-{}", d.key);
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{d.name.clone()}</label>
                                    <select id=id name=name aria-invalid=e.is_some().then_some("true")>
                                        <option value="">"(no key)"</option>
                                        {(1..=4).map(|s| view! {
                                            <option value=s.to_string() selected=chosen.as_deref() == Some(s.to_string().as_str())>{s}</option>
                                        }).collect_view()}
                                    </select>
                                    {e.map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <button type="submit" class="button">"Create exercise"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ExercisePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let exercise = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_exercise(id).await,
            None => Err(AppError::NotFound),
        }
    });
    loaded(exercise, |e| view! { <ExerciseDetail e/> })
}

#[component]
fn ExerciseDetail(e: ExerciseView) -> impl IntoView {
    let reveal = ServerAction::<RevealExercise>::new();
    let reveal_error = reveal.value().get_untracked().and_then(Result::err);
    let saved = use_query_map().read_untracked().get("saved");
    let scored = e.progress.iter().filter(|(_, done)| *done).count();
    let members = e.progress.len();
    view! {
        <Title text=e.title.clone()/>
        <div class="wrap calibration exercise">
            <Breadcrumb parent_href="/calibration" parent="Calibration" current=e.title.clone()/>
            <h1>{e.title.clone()}</h1>
            <p class="hint">
                {format!("{} \u{b7} {} \u{b7} created {}", e.team, e.scenario_title, date(e.created_at))}
            </p>
            <p><span class=format!("badge stage-{:?}", e.stage).to_lowercase()>{e.stage.label()}</span></p>
            <Notice message=match saved.as_deref() {
                Some("created") => Some("Exercise created. Your team can score it now; reveal the results when they have."),
                Some("scored") => Some("Your scores are in. They stay hidden until the lead reveals the results."),
                Some("revealed") => Some("Results revealed to the team. Scoring is closed."),
                _ => None,
            }/>
            <details class="panel scenario-prompt" open=e.stage == ExerciseStage::ToScore>
                <summary>{format!("The scenario: {}", e.scenario_title)}</summary>
                <div class="prose" inner_html=e.prompt_html.clone()></div>
                <p><a href=format!("/scenarios/{}", e.scenario_slug)>"The scenario with its answer key"</a></p>
            </details>
            <section aria-labelledby="reference-heading">
                <h2 id="reference-heading">"The answer to score"</h2>
                <div class="prose reference-answer" inner_html=e.reference_html.clone()></div>
            </section>

            {match e.stage {
                ExerciseStage::ToScore => view! { <RatingForm e=e.clone()/> }.into_any(),
                _ => e.own.clone().map(|own| view! {
                    <section aria-labelledby="own-heading" id="own-scores">
                        <h2 id="own-heading">"Your scores"</h2>
                        <p class="hint">{format!("Submitted {}. A submitted score cannot be changed.", date_time(own.submitted_at))}</p>
                        <ul class="card-scores">
                            {own.scores.iter().map(|(name, s)| view! { <li>{format!("{name}: {s}")}</li> }).collect_view()}
                        </ul>
                        {(!own.notes.is_empty()).then(|| view! { <p class="rating-notes">{own.notes.clone()}</p> })}
                    </section>
                }.into_any()).unwrap_or_else(|| view! {
                    <p class="notice">"Scoring closed before you scored this one."</p>
                }.into_any()),
            }}

            {(e.stage != ExerciseStage::Revealed).then(|| view! {
                <section aria-labelledby="progress-heading" id="progress">
                    <h2 id="progress-heading">"Who has scored"</h2>
                    <p>{format!("{scored} of {members} team members have scored. Nobody's scores are shown until the lead reveals the results.")}</p>
                    <ul class="progress-list">
                        {e.progress.iter().map(|(name, done)| view! {
                            <li class:done=*done>{name.clone()}": "{if *done { "scored" } else { "not yet" }}</li>
                        }).collect_view()}
                    </ul>
                    {e.is_lead.then(|| view! {
                        <ActionForm action=reveal attr:class="reveal-form">
                            <FormError error=reveal_error.clone()/>
                            <input type="hidden" name="exercise_id" value=e.id.to_string()/>
                            <button type="submit" class="button">"Reveal the results"</button>
                            <p class="hint">"Everyone on the team sees every score; scoring closes for those who have not scored."</p>
                        </ActionForm>
                    })}
                </section>
            })}

            {e.results.clone().map(|r| view! {
                <section aria-labelledby="results-heading" id="results" class="results">
                    <h2 id="results-heading">"Results"</h2>
                    {e.revealed_at.map(|at| view! { <p class="hint">{format!("Revealed {}.", date_time(at))}</p> })}
                    <AgreementSummary a=r.agreement what="dimensions of this answer"/>
                    <p class="hint">
                        "Agreement per dimension needs several answers scored: "
                        {if e.is_lead {
                            view! { <a href=format!("/calibration/teams/{}", e.team_id)>"see the team dashboard"</a> }.into_any()
                        } else {
                            view! { <span>"your lead sees it on the team dashboard"</span> }.into_any()
                        }}
                        "."
                    </p>
                    <div class="dimension-results">
                        {r.dimensions.into_iter().map(|d| view! {
                            <figure class="panel dimension-result" data-dimension=d.key.clone()>
                                <figcaption>
                                    <strong>{d.name.clone()}</strong>
                                    <span class="hint stats">
                                        {format!("median {} \u{b7} range {}", d.median.map(|m| m.to_string()).unwrap_or_else(|| "\u{2013}".into()), d.range.map(|r| r.to_string()).unwrap_or_else(|| "\u{2013}".into()))}
                                        {d.expert.map(|x| format!(" \u{b7} expert key {x}"))}
                                    </span>
                                </figcaption>
                                <StripPlot d=d.clone()/>
                                <table class="compact">
                                    <thead><tr>
                                        <th scope="col">"Rater"</th>
                                        <th scope="col">"Score"</th>
                                        <th scope="col">"vs median"</th>
                                        {d.expert.is_some().then(|| view! { <th scope="col">"vs key"</th> })}
                                    </tr></thead>
                                    <tbody>
                                        {d.scores.iter().map(|s| view! {
                                            <tr>
                                                <th scope="row">{s.rater.clone()}</th>
                                                <td>{s.score.map(|v| v.to_string()).unwrap_or_else(|| "not scored".into())}</td>
                                                <td>{s.from_median.map(signed).unwrap_or_default()}</td>
                                                {d.expert.is_some().then(|| view! { <td>{s.from_expert.map(signed).unwrap_or_default()}</td> })}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </figure>
                        }).collect_view()}
                    </div>
                    {(!e.notes.is_empty()).then(|| view! {
                        <h3>"Reasoning"</h3>
                        <ul class="rater-notes">
                            {e.notes.iter().map(|(rater, text)| view! {
                                <li><strong>{rater.clone()}": "</strong><span class="rating-notes">{text.clone()}</span></li>
                            }).collect_view()}
                        </ul>
                    })}
                    <h3>"Raters"</h3>
                    <p class="hint">"Lean: the mean of a rater's scores minus the team median (positive is more lenient). Distance: the same without the sign."</p>
                    <div class="table-scroll">
                        <table class="attempts">
                            <thead><tr>
                                <th scope="col">"Rater"</th>
                                <th scope="col">"Lean"</th>
                                <th scope="col">"Distance"</th>
                                {e.has_expert.then(|| view! { <th scope="col">"From key"</th> })}
                            </tr></thead>
                            <tbody>
                                {r.raters.iter().map(|x| view! {
                                    <tr>
                                        <th scope="row">{x.rater.clone()}</th>
                                        <td>{x.mean_from_median.map(signed).unwrap_or_default()}</td>
                                        <td>{x.mean_abs_from_median.map(|v| fixed(v, 2)).unwrap_or_default()}</td>
                                        {e.has_expert.then(|| view! { <td>{x.mean_from_expert.map(signed).unwrap_or_default()}</td> })}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
        </div>
    }
}

#[component]
fn RatingForm(e: ExerciseView) -> impl IntoView {
    let submit = ServerAction::<SubmitRating>::new();
    let error = submit.value().get_untracked().and_then(Result::err);
    let notes_error = field_error(&error, "notes");
    view! {
        <section aria-labelledby="score-heading" id="score">
            <h2 id="score-heading">"Your scores (blind)"</h2>
            <p class="hint">"Score the answer on every dimension. Nobody sees your scores, and you see nobody's, until the lead reveals the results. A submitted score cannot be changed."</p>
            <ActionForm action=submit attr:class="score-form">
                {match &error {
                    Some(AppError::Validation(_)) => view! {
                        <p class="form-error" role="alert">"Some scores are missing; each is marked below."</p>
                    }.into_any(),
                    Some(err) => view! { <FormError error=Some(err.clone())/> }.into_any(),
                    None => ().into_any(),
                }}
                <input type="hidden" name="exercise_id" value=e.id.to_string()/>
                <RubricFields dimensions=e.dimensions.clone() error=error.clone() id_prefix="rate"/>
                <div class="field">
                    <label for="rating-notes">"Your reasoning (optional)"</label>
                    <textarea id="rating-notes" name="notes" rows="4" maxlength=MAX_RATING_NOTES_CHARS.to_string()
                        aria-invalid=notes_error.is_some().then_some("true")>{kept_value(&error, "notes").map(|t| textarea_text(&t))}</textarea>
                    {notes_error.map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <button type="submit" class="button">"Submit my scores"</button>
            </ActionForm>
        </section>
    }
}

/// Alpha with its band in words, and the two ICCs.
#[component]
fn AgreementSummary(a: Agreement, what: &'static str) -> impl IntoView {
    let band = a.band();
    view! {
        <dl class="agreement-summary">
            <div>
                <dt>"Krippendorff's alpha (ordinal)"</dt>
                <dd><span class="figure">{figure(a.alpha)}</span>" "<span class=format!("badge band-{}", band.replace(' ', "-"))>{band}</span></dd>
            </div>
            <div>
                <dt>"ICC(2,1), one rater"</dt>
                <dd class="figure">{figure(a.icc_single)}</dd>
            </div>
            <div>
                <dt>{if a.icc_raters.is_empty() {
                    "ICC(2,k), the team's mean".to_string()
                } else {
                    format!("ICC(2,{}), the team's mean", a.icc_raters.len())
                }}</dt>
                <dd class="figure">{figure(a.icc_average)}</dd>
            </div>
        </dl>
        <p class="hint">{format!("Alpha: {} raters over {} {what}. Alpha at least 0.800: reliable; 0.667 to 0.800: tentative; below: unreliable. \u{201c}Not defined\u{201d}: too few ratings, or no variation to agree on.", a.raters, a.units)}</p>
        <p class="hint">{if a.icc_raters.is_empty() {
            format!("ICCs: no two raters scored the same two {what}.")
        } else {
            format!("ICCs: on the {} {what} that every one of {} scored.", a.icc_units, a.icc_raters.join(", "))
        }}</p>
    }
}
