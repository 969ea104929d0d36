//! The lead's team dashboard: agreement over time and by dimension, raters' lean and drift, and
//! each member's path from shadow to qualified.
use crate::api::calibration::{calibration_dashboard, SetQualified};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::calibration::{AgreementTrend, LeanTrend};
use crate::components::form::{FormError, Notice};
use crate::components::loaded::loaded;
use crate::domain::calibration::{
    figure, signed, Agreement, AgreementReport, Standing, TeamDashboard, DRIFT_THRESHOLD,
    QUALIFY_MIN_EXERCISES, RECENT_EXERCISES,
};
use crate::domain::error::AppError;
use crate::domain::number::fixed;
use crate::domain::practice::date;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TeamCalibrationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let dashboard = Resource::new(id, |id| async move {
        match id {
            Some(id) => calibration_dashboard(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Read before the await, where the router is in context (see `loaded`).
    let saved = use_query_map().read_untracked().get("saved");
    loaded(
        dashboard,
        move |d| view! { <DashboardView d saved=saved.clone()/> },
    )
}

/// What the ICCs of a row were computed on: the units every one of those raters scored.
fn icc_basis(a: &Agreement) -> String {
    if a.icc_raters.is_empty() {
        "no complete ratings".into()
    } else {
        format!("{} units by {}", a.icc_units, a.icc_raters.join(", "))
    }
}

fn report_rows(report: &AgreementReport, mock: &AgreementReport) -> impl IntoView {
    let row = |name: String, a: &Agreement, m: &Agreement| {
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td>{figure(a.alpha)}</td>
                <td>{a.band()}</td>
                <td>{figure(a.icc_single)}</td>
                <td>{figure(a.icc_average)}</td>
                <td>{icc_basis(a)}</td>
                <td>{figure(m.alpha)}</td>
                <td>{m.band()}</td>
            </tr>
        }
    };
    let mut rows: Vec<_> = report
        .per_dimension
        .iter()
        .zip(&mock.per_dimension)
        .map(|((d, a), (_, m))| row(d.name.clone(), a, m).into_any())
        .collect();
    rows.push(row("All dimensions".into(), &report.overall, &mock.overall).into_any());
    rows
}

#[component]
fn DashboardView(d: TeamDashboard, saved: Option<String>) -> impl IntoView {
    let set = ServerAction::<SetQualified>::new();
    let set_error = set.value().get_untracked().and_then(Result::err);
    let title = format!("{}: calibration", d.team);
    let drifting: Vec<String> = d
        .trends
        .iter()
        .filter(|t| t.standing == Standing::Drifting)
        .map(|t| t.rater.clone())
        .collect();
    view! {
        <Title text=title.clone()/>
        <div class="wrap calibration dashboard">
            <Breadcrumb parent_href="/calibration" parent="Calibration" current=d.team.clone()/>
            <h1>{title.clone()}</h1>
            <p class="hint">
                {format!("{} revealed exercise{}; {} mock interview{} scored by two or more interviewers.",
                    d.exercises, if d.exercises == 1 { "" } else { "s" },
                    d.mock_attempts, if d.mock_attempts == 1 { "" } else { "s" })}
                " "
                <a href=format!("/calibration/teams/{}/export.csv", d.team_id) download>"Export every score (CSV)"</a>
            </p>
            <Notice message=match saved.as_deref() {
                Some("qualified") => Some("Saved."),
                _ => None,
            }/>
            {(!drifting.is_empty()).then(|| view! {
                <p class="notice warning" role="status">
                    {format!("Drifting: {}. Their scores have been on average more than {DRIFT_THRESHOLD} points from the team median over their last {RECENT_EXERCISES} exercises.", drifting.join(", "))}
                </p>
            })}

            <section aria-labelledby="over-time-heading">
                <h2 id="over-time-heading">"Agreement over time"</h2>
                {if d.over_time.is_empty() {
                    view! { <p class="hint">"No revealed exercises yet."</p> }.into_any()
                } else {
                    view! {
                        <figure class="panel">
                            <AgreementTrend points=d.over_time.clone()/>
                            <figcaption class="hint">"Alpha per exercise, oldest first; the lines mark tentative (0.667) and reliable (0.800)."</figcaption>
                        </figure>
                        <div class="table-scroll">
                            <table class="compact">
                                <thead><tr>
                                    <th scope="col">"Exercise"</th>
                                    <th scope="col">"Revealed"</th>
                                    <th scope="col">"Alpha"</th>
                                    <th scope="col">"Band"</th>
                                    <th scope="col">"ICC(2,1)"</th>
                                    <th scope="col">"ICC(2,k)"</th>
                                </tr></thead>
                                <tbody>
                                    {d.over_time.iter().map(|(id, at, t, a)| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/calibration/{id}")>{t.clone()}</a></th>
                                            <td>{date(*at)}</td>
                                            <td>{figure(a.alpha)}</td>
                                            <td>{a.band()}</td>
                                            <td>{figure(a.icc_single)}</td>
                                            <td>{figure(a.icc_average)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="by-dimension-heading">
                <h2 id="by-dimension-heading">"Agreement by dimension"</h2>
                <p class="hint">"Across all revealed exercises, and across the team's mock interviews that two or more interviewers scored (interviewer and shadow). Alpha uses every score; the ICCs need every rater to have scored every unit, so they use the units (exercises; exercise and dimension for all dimensions) that the raters named under \u{201c}ICCs on\u{201d} all scored, k being how many they are."</p>
                <div class="table-scroll">
                    <table class="compact by-dimension">
                        <thead>
                            <tr>
                                <th scope="col" rowspan="2">"Dimension"</th>
                                <th scope="colgroup" colspan="5">"Calibration exercises"</th>
                                <th scope="colgroup" colspan="2">"Mock interviews"</th>
                            </tr>
                            <tr>
                                <th scope="col">"Alpha"</th>
                                <th scope="col">"Band"</th>
                                <th scope="col">"ICC(2,1)"</th>
                                <th scope="col">"ICC(2,k)"</th>
                                <th scope="col">"ICCs on"</th>
                                <th scope="col">"Alpha"</th>
                                <th scope="col">"Band"</th>
                            </tr>
                        </thead>
                        <tbody>{report_rows(&d.report, &d.mock_report)}</tbody>
                    </table>
                </div>
            </section>

            <section aria-labelledby="raters-heading">
                <h2 id="raters-heading">"Raters"</h2>
                <p class="hint">{format!("Lean per exercise: the rater's mean score minus the team median (above 0 is lenient). The shaded band is \u{b1}{DRIFT_THRESHOLD}.")}</p>
                {if d.trends.is_empty() {
                    view! { <p class="hint">"Nobody has scored a revealed exercise yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="rater-trends">
                            {d.trends.into_iter().map(|t| {
                                let flagged = t.standing == Standing::Drifting;
                                view! {
                                    <figure class="panel rater-trend" class:drifting=flagged>
                                        <figcaption>
                                            <strong>{t.rater.clone()}</strong>
                                            {flagged.then(|| view! { " " <span class="badge band-unreliable">"Drifting"</span> })}
                                            <span class="hint">
                                                {format!(" {} \u{b7} recent lean {} \u{b7} distance {}",
                                                    t.lean_words(),
                                                    t.recent_lean.map(signed).unwrap_or_default(),
                                                    t.recent_distance.map(|v| fixed(v, 2)).unwrap_or_default())}
                                            </span>
                                        </figcaption>
                                        <LeanTrend trend=t.clone()/>
                                    </figure>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="path-heading" id="path">
                <h2 id="path-heading">"From shadow to qualified"</h2>
                <p class="hint">{format!("Confirm an interviewer once they have scored at least {QUALIFY_MIN_EXERCISES} revealed exercises and stayed on average within {DRIFT_THRESHOLD} points of the team median over their last {RECENT_EXERCISES}.")}</p>
                <FormError error=set_error/>
                <div class="table-scroll">
                    <table class="attempts">
                        <thead><tr>
                            <th scope="col">"Member"</th>
                            <th scope="col">"Shadowed"</th>
                            <th scope="col">"Led"</th>
                            <th scope="col">"Exercises"</th>
                            <th scope="col">"Recent distance"</th>
                            <th scope="col">"Standing"</th>
                            <th scope="col">"Qualified"</th>
                        </tr></thead>
                        <tbody>
                            {d.members.iter().cloned().map(|m| {
                                let standing = match m.standing {
                                    Standing::TooFewExercises => "Too few exercises",
                                    Standing::Within => "Within thresholds",
                                    Standing::Drifting => "Drifting",
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{m.name.clone()}{m.is_lead.then_some(" (lead)")}</th>
                                        <td>{m.shadowed}</td>
                                        <td>{m.led}</td>
                                        <td>{m.exercises}</td>
                                        <td>{m.recent_distance.map(|v| fixed(v, 2)).unwrap_or_else(|| "\u{2013}".into())}</td>
                                        <td>{standing}</td>
                                        <td>
                                            <ActionForm action=set attr:class="inline-form">
                                                <input type="hidden" name="team_id" value=d.team_id.to_string()/>
                                                <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                                {match m.qualified_at {
                                                    Some(at) => view! {
                                                        <span>{format!("Since {} ", date(at))}</span>
                                                        <input type="hidden" name="qualified" value="no"/>
                                                        <button type="submit" class="link-button">{format!("Withdraw {}", m.name)}</button>
                                                    }.into_any(),
                                                    None => view! {
                                                        <input type="hidden" name="qualified" value="yes"/>
                                                        <button type="submit" class="button secondary" disabled=!m.can_qualify()>
                                                            {format!("Confirm {}", m.name)}
                                                        </button>
                                                    }.into_any(),
                                                }}
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        </div>
    }
}
