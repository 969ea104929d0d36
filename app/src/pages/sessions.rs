//! Mock interview sessions: the interviewer's list and set-up form, the live console, and the
//! candidate's screen behind the join link.
use crate::api::scorecards::{ShareScorecard, SubmitSessionScorecard};
use crate::api::sessions::{
    join_screen, list_sessions, session_console, CreateSession, EndSession, GoToScenario,
    SaveSessionNotes,
};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::form::{field_error, kept_value, textarea_text, FormError, Notice};
use crate::components::live::{ConsoleBoard, LiveScreen};
use crate::components::loaded::loaded;
use crate::components::practice::{AutosaveBox, PracticeTimer, SaveTarget};
use crate::components::scoring::{KeyPointMarks, RubricFields};
use crate::domain::error::AppError;
use crate::domain::practice::{date_time, score_text};
use crate::domain::session::{
    Console, ConsoleScorecard, SessionStatus, MAX_NOTES_CHARS, MAX_SESSION_SCENARIOS,
};
use crate::domain::taxonomy::{Level, Topic};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SessionsPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| list_sessions());
    loaded(overview, |o| view! { <SessionsView o/> })
}

#[component]
fn SessionsView(o: crate::api::sessions::SessionsOverview) -> impl IntoView {
    let create = ServerAction::<CreateSession>::new();
    let error = create.value().get_untracked().and_then(Result::err);
    let kept = {
        let e = error.clone();
        move |f: &str| kept_value(&e, f)
    };
    let err = {
        let e = error.clone();
        move |f: &str| field_error(&e, f)
    };
    let text_field = {
        let kept = kept.clone();
        let err = err.clone();
        move |name: &'static str,
              label: &'static str,
              kind: &'static str,
              hint: Option<&'static str>| {
            let e = err(name);
            let hint_id = format!("{name}-hint");
            let described = [
                hint.map(|_| hint_id.clone()),
                e.as_ref().map(|_| format!("{name}-error")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            view! {
                <div class="field">
                    <label for=name>{label}</label>
                    {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    <input type=kind id=name name=name value=kept(name)
                        aria-invalid=e.is_some().then_some("true")
                        aria-describedby=(!described.is_empty()).then_some(described)/>
                    {e.map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
                </div>
            }
        }
    };
    let scenario_error = err("scenarios[1]");
    view! {
        <Title text="Mock sessions"/>
        <div class="wrap sessions">
            <h1>"Mock sessions"</h1>
            <section aria-labelledby="list-heading">
                <h2 id="list-heading">"Your sessions"</h2>
                {if o.sessions.is_empty() {
                    view! { <p class="hint">"No sessions yet. Set one up below."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                            <table class="attempts">
                                <thead><tr>
                                    <th scope="col">"Candidate"</th>
                                    <th scope="col">"Created"</th>
                                    <th scope="col">"Scenarios"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Your part"</th>
                                </tr></thead>
                                <tbody>
                                    {o.sessions.into_iter().map(|s| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/sessions/{}", s.id)>{s.candidate}</a></th>
                                            <td>{date_time(s.created_at)}</td>
                                            <td>{s.scenarios}</td>
                                            <td>{if s.status == SessionStatus::Live { "Live" } else { "Ended" }}</td>
                                            <td>{if s.shadowing { "Shadow" } else { "Interviewer" }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="new-heading" class="form-page">
                <h2 id="new-heading">"Set up a session"</h2>
                <ActionForm action=create attr:class="session-form">
                    <FormError error=error.clone() fields=&["candidate_email", "guest_name", "guest_email", "scenarios[1]", "planned_minutes", "shadow_email"]/>
                    <fieldset>
                        <legend>"Candidate"</legend>
                        {text_field("candidate_email", "Their account email", "email", Some("If they have an account here: their scorecard can then be shared with them."))}
                        <p class="hint">"Or, for a guest without an account:"</p>
                        {text_field("guest_name", "Guest name", "text", None)}
                        {text_field("guest_email", "Guest email (optional)", "email", None)}
                    </fieldset>
                    <fieldset>
                        <legend>"Scenarios"</legend>
                        <p class="hint" id="scenarios-hint">{format!("Pick up to {MAX_SESSION_SCENARIOS} in order, or leave them empty to get two suggested by topic and level.")}</p>
                        {scenario_error.clone().map(|m| view! { <p class="field-error" id="scenarios-error">{m}</p> })}
                        {(1..=3).map(|n| {
                            let name = format!("scenarios[{n}]");
                            let chosen = kept(&name);
                            let options = o.scenarios.clone();
                            view! {
                                <div class="field">
                                    <label for=format!("scenario-{n}")>{format!("Scenario {n}")}</label>
                                    <select id=format!("scenario-{n}") name=name
                                        aria-describedby=if n == 1 && scenario_error.is_some() { "scenarios-hint scenarios-error" } else { "scenarios-hint" }>
                                        <option value="">"(none)"</option>
                                        {options.into_iter().map(|s| {
                                            let selected = chosen.as_deref() == Some(s.slug.as_str());
                                            view! { <option value=s.slug selected=selected>{format!("{} ({})", s.title, s.level.label())}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        }).collect_view()}
                        <div class="field inline">
                            <label for="topic">"Suggest by topic"</label>
                            <select id="topic" name="topic">
                                <option value="">"Any topic"</option>
                                {Topic::ALL.map(|t| view! { <option value=t.key()>{t.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field inline">
                            <label for="level">"and level"</label>
                            <select id="level" name="level">
                                <option value="">"Any level"</option>
                                {[Level::Mid, Level::Senior, Level::Staff].map(|l| view! { <option value=l.key()>{l.label()}</option> }).collect_view()}
                            </select>
                        </div>
                    </fieldset>
                    {text_field("planned_minutes", "Planned length (minutes)", "number", Some("5 to 240; 45 if left empty."))}
                    {text_field("shadow_email", "Shadow interviewer's email (optional)", "email", Some("They watch read-only and score independently."))}
                    <button type="submit" class="button">"Create session"</button>
                </ActionForm>
            </section>
        </div>
    }
}

#[component]
pub fn ConsolePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let console = Resource::new(id, |id| async move {
        match id {
            Some(id) => session_console(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Read before the await, where the router is in context (see `loaded`).
    let saved = use_query_map().read_untracked().get("saved");
    loaded(
        console,
        move |c| view! { <ConsoleView c saved=saved.clone()/> },
    )
}

#[component]
fn ConsoleView(c: Console, saved: Option<String>) -> impl IntoView {
    let go = ServerAction::<GoToScenario>::new();
    let end = ServerAction::<EndSession>::new();
    let notes = ServerAction::<SaveSessionNotes>::new();
    let action_error = go
        .value()
        .get_untracked()
        .and_then(Result::err)
        .or_else(|| end.value().get_untracked().and_then(Result::err));
    let notes_error = notes.value().get_untracked().and_then(Result::err);
    let live = c.status == SessionStatus::Live;
    let conducting = !c.shadow && live;
    let title = format!("Session with {}", c.candidate);
    let next = c
        .outline
        .iter()
        .find(|i| i.position == c.position + 1)
        .cloned();
    let notes_md = c.notes_md.clone();
    let session_id = c.id;
    view! {
        <Title text=title.clone()/>
        <div class="wrap console">
            <Breadcrumb parent_href="/sessions" parent="Mock sessions" current=title.clone()/>
            <header class="console-header">
                <h1>{title.clone()}</h1>
                <p class="hint">
                    {if c.shadow { "You are shadowing: read-only, with your own scorecard. " } else { "" }}
                    {if live { "Live." } else { "Ended." }}
                </p>
                {c.join_path.clone().filter(|_| live).map(|path| view! {
                    <div class="field join-link">
                        <label for="join-link">"Candidate's join link"</label>
                        <input id="join-link" type="text" readonly value=path.clone() aria-describedby="join-hint"/>
                        <p class="hint" id="join-hint">"Send it to the candidate: it opens their screen, with no account needed, until the session ends."</p>
                        <p><a href=path target="_blank" rel="noopener">"Open the candidate screen"</a></p>
                    </div>
                })}
            </header>
            <FormError error=action_error/>
            <Notice message=match saved.as_deref() {
                Some("scorecard") => Some("Scorecard submitted."),
                Some("shared") => Some("Shared with the candidate."),
                Some("notes") => Some("Notes saved."),
                _ => None,
            }/>
            {live.then(|| view! {
                <div class="attempt-bar">
                    <div>
                        <span class="hint">"Session"</span>
                        <PracticeTimer started_at=c.created_at now=c.now time_limit_s=Some(c.planned_minutes * 60)/>
                    </div>
                    <div>
                        <span class="hint">"This scenario"</span>
                        <PracticeTimer started_at=c.item_started_at now=c.now time_limit_s=None/>
                    </div>
                </div>
            })}
            <nav aria-label="Scenarios of this session" class="outline">
                <ol>
                    {c.outline.iter().cloned().map(|item| {
                        let current = item.position == c.position;
                        view! {
                            <li aria-current=current.then_some("step")>
                                {if conducting && !current {
                                    view! {
                                        <ActionForm action=go>
                                            <input type="hidden" name="session_id" value=c.id.to_string()/>
                                            <input type="hidden" name="position" value=item.position.to_string()/>
                                            <button type="submit" class="link-button">{format!("{}. {}", item.position + 1, item.title)}</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! { <span>{format!("{}. {}", item.position + 1, item.title)}</span> }.into_any()
                                }}
                                {item.scored.then(|| view! { <span class="badge">"scored"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </nav>

            // On a phone the console is one long column: this bar is fixed to the bottom of the
            // screen, within a thumb's reach, and jumps to each part (plain links: no script).
            <nav aria-label="Parts of the console" class="console-switcher">
                <ul>
                    <li><a href="#prompt-heading">"Prompt"</a></li>
                    <li><a href="#checklist">"Key points"</a></li>
                    <li><a href="#follow-ups">"Follow-ups"</a></li>
                    {conducting.then(|| view! { <li><a href="#session-notes">"Notes"</a></li> })}
                    <li><a href="#scorecard">"Scorecard"</a></li>
                </ul>
            </nav>
            <div class="console-grid">
                <div>
                    <section class="prompt" aria-labelledby="prompt-heading">
                        <h2 id="prompt-heading">{format!("The prompt: {}", c.scenario.title)}</h2>
                        <div class="prose" inner_html=c.prompt_html.clone()></div>
                    </section>
                    <ConsoleBoard session_id=c.id key_points=c.key_points.clone() follow_ups=c.follow_ups.clone() read_only=!conducting note_readings=c.note_readings.clone()/>
                </div>
                <div>
                    {conducting.then(|| view! {
                        <section aria-labelledby="notes-heading" id="session-notes">
                            <h2 id="notes-heading">"Notes"</h2>
                            <ActionForm action=notes attr:class="answer-form">
                                <FormError error=notes_error.clone()/>
                                <input type="hidden" name="session_id" value=session_id.to_string()/>
                                <AutosaveBox
                                    target=SaveTarget::SessionNotes { session_id }
                                    name="notes".to_string()
                                    label="Your notes".to_string()
                                    hint="Private to you; saved as you type. Use them as evidence in the scorecard.".to_string()
                                    initial=notes_md
                                    max_chars=MAX_NOTES_CHARS
                                    rows=10
                                />
                                <div class="form-actions">
                                    <button type="submit" class="button secondary">"Save notes"</button>
                                </div>
                            </ActionForm>
                        </section>
                    })}
                    {next.filter(|_| conducting).map(|n| view! {
                        <ActionForm action=go attr:class="next-form">
                            <input type="hidden" name="session_id" value=session_id.to_string()/>
                            <input type="hidden" name="position" value=n.position.to_string()/>
                            <button type="submit" class="button">{format!("Next scenario: {}", n.title)}</button>
                        </ActionForm>
                    })}
                    {conducting.then(|| view! {
                        <ActionForm action=end attr:class="end-form">
                            <input type="hidden" name="session_id" value=session_id.to_string()/>
                            <button type="submit" class="button danger">"End the session"</button>
                            <p class="hint">"The join link stops working. You can still write and amend scorecards."</p>
                        </ActionForm>
                    })}
                </div>
            </div>

            <ScorecardSection c/>
        </div>
    }
}

#[component]
fn ScorecardSection(c: Console) -> impl IntoView {
    let submit = ServerAction::<SubmitSessionScorecard>::new();
    let share = ServerAction::<ShareScorecard>::new();
    let error = submit.value().get_untracked().and_then(Result::err);
    let share_error = share.value().get_untracked().and_then(Result::err);
    let mine: Vec<ConsoleScorecard> = c.scorecards.iter().filter(|s| s.mine).cloned().collect();
    let others: Vec<ConsoleScorecard> = c.scorecards.iter().filter(|s| !s.mine).cloned().collect();
    let my_original = mine.iter().find(|s| s.amends.is_none()).map(|s| s.id);
    let hidden = c.scorecard_count
        - i64::from(my_original.is_some())
        - others.iter().filter(|s| s.amends.is_none()).count() as i64;
    view! {
        <section aria-labelledby="scorecard-heading" id="scorecard" class="scorecard-section">
            <h2 id="scorecard-heading">{format!("Scorecard: {}", c.scenario.title)}</h2>
            {if mine.is_empty() {
                view! {
                    <p class="hint">"Every field is required. The scorecard cannot be changed once submitted; a correction is added as an amendment."</p>
                    <ScorecardForm c=c.clone() error=error.clone() amends=None/>
                }.into_any()
            } else {
                view! {
                    <h3>"Your scorecard"</h3>
                    {mine.into_iter().map(|s| view! { <ScorecardView s/> }).collect_view()}
                    <details class="amend" open=error.is_some()>
                        <summary>"Amend your scorecard"</summary>
                        <p class="hint">"Your original stays as it is, with this amendment beside it."</p>
                        <ScorecardForm c=c.clone() error=error.clone() amends=my_original/>
                    </details>
                    {(!c.shadow && c.candidate_has_account).then(|| {
                        if c.shared {
                            view! { <p class="notice">"Shared with the candidate: it is in their history."</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=share>
                                    <FormError error=share_error.clone()/>
                                    <input type="hidden" name="session_id" value=c.id.to_string()/>
                                    <input type="hidden" name="position" value=c.position.to_string()/>
                                    <button type="submit" class="button secondary">"Share with the candidate"</button>
                                </ActionForm>
                            }.into_any()
                        }
                    })}
                }.into_any()
            }}
            {(!others.is_empty()).then(|| view! {
                <h3>"Other scorecards"</h3>
                {others.into_iter().map(|s| view! { <ScorecardView s/> }).collect_view()}
            })}
            {(hidden > 0).then(|| view! {
                <p class="hint" id="hidden-scorecards">
                    {format!("{hidden} other scorecard{} hidden until you submit yours.", if hidden == 1 { " is" } else { "s are" })}
                </p>
            })}
        </section>
    }
}

#[component]
fn ScorecardView(s: ConsoleScorecard) -> impl IntoView {
    let who = if s.mine {
        "You".to_string()
    } else {
        s.card
            .scorer
            .clone()
            .unwrap_or_else(|| "A former interviewer".into())
    };
    view! {
        <article class="panel scorecard" class:amendment=s.amends.is_some()>
            <h4>
                {if s.amends.is_some() { format!("Amendment by {who}") } else { format!("Scorecard by {who}") }}
                <span class="hint">{format!(" \u{b7} {}", date_time(s.card.submitted_at))}</span>
            </h4>
            {s.amend_reason.clone().map(|r| view! { <p><strong>"Reason: "</strong>{r}</p> })}
            {s.saw_others.then(|| view! {
                <p class="notice saw-others">
                    "Written after the other scorecards could be read: not an independent score. "
                    "Team agreement statistics use the first scorecard."
                </p>
            })}
            <p>
                <strong>"Recommendation: "</strong>
                {s.recommendation.clone().unwrap_or_default()}
                {s.target_level.clone().map(|l| format!(" at {l} level"))}
                {format!(" \u{b7} mean {}", score_text(s.card.mean()))}
            </p>
            {s.suggested.clone().map(|suggested| {
                let differs = s.recommendation.as_deref() != Some(suggested.as_str());
                view! {
                    <p class="hint rule-suggestion" class:differs=differs>
                        {format!("The rubric's rule gives {suggested} for these scores at this level")}
                        {if differs { "; the scorer chose otherwise (their reasons belong in the feedback)." } else { "." }}
                    </p>
                }
            })}
            <ul class="card-scores">
                {s.card.scores.iter().map(|d| view! { <li>{format!("{}: {}", d.name, d.score)}</li> }).collect_view()}
            </ul>
            <h5>"Feedback"</h5>
            <div class="prose" inner_html=s.feedback_html.clone()></div>
            {(!s.notes_html.trim().is_empty()).then(|| view! {
                <h5>"Evidence"</h5>
                <div class="prose" inner_html=s.notes_html.clone()></div>
            })}
        </article>
    }
}

#[component]
fn ScorecardForm(c: Console, error: Option<AppError>, amends: Option<i64>) -> impl IntoView {
    let submit = ServerAction::<SubmitSessionScorecard>::new();
    let prefix: &'static str = if amends.is_some() { "amend" } else { "card" };
    let kept = {
        let e = error.clone();
        move |f: &str| kept_value(&e, f)
    };
    let rec_error = field_error(&error, "recommendation");
    let level_error = field_error(&error, "target_level");
    let feedback_error = field_error(&error, "feedback");
    let reason_error = field_error(&error, "reason");
    let chosen_rec = kept("recommendation");
    let chosen_level = kept("target_level");
    view! {
        <ActionForm action=submit attr:class="score-form">
            {match &error {
                Some(AppError::Validation(_)) => view! {
                    <p class="form-error" role="alert">"Some fields are missing or invalid; each is marked below."</p>
                }.into_any(),
                Some(e) => view! { <FormError error=Some(e.clone())/> }.into_any(),
                None => ().into_any(),
            }}
            <input type="hidden" name="session_id" value=c.id.to_string()/>
            <input type="hidden" name="position" value=c.position.to_string()/>
            {amends.map(|id| view! {
                <input type="hidden" name="amends" value=id.to_string()/>
                <div class="field">
                    <label for="amend-reason">"Why amend?"</label>
                    <input id="amend-reason" name="reason" type="text" required=true value=kept("reason")
                        aria-invalid=reason_error.is_some().then_some("true")
                        aria-describedby=reason_error.is_some().then_some("amend-reason-error")/>
                    {reason_error.clone().map(|m| view! { <p class="field-error" id="amend-reason-error">{m}</p> })}
                </div>
            })}
            <h3>"Rubric"</h3>
            <RubricFields dimensions=c.dimensions.clone() error=error.clone() id_prefix=prefix/>
            <h3>"Key points"</h3>
            <KeyPointMarks key_points=c.key_points.clone() error=error.clone() id_prefix=if amends.is_some() { "amend-mark" } else { "card-mark" }/>
            <fieldset class="recommendation" aria-describedby=rec_error.is_some().then(|| format!("{prefix}-rec-error"))>
                <legend>"Recommendation"</legend>
                {(!c.rule_html.is_empty()).then(|| view! {
                    <details class="rule">
                        <summary>"How scores combine into a recommendation"</summary>
                        <div class="prose" inner_html=c.rule_html.clone()></div>
                    </details>
                })}
                {rec_error.clone().map(|m| view! { <p class="field-error" id=format!("{prefix}-rec-error")>{m}</p> })}
                <div class="marks">
                    {c.recommendations.iter().map(|r| {
                        let id = format!("{prefix}-rec-{}", r.key);
                        view! {
                            <span class="mark-option">
                                <input type="radio" id=id.clone() name="recommendation" value=r.key.clone() required=true
                                    checked=chosen_rec.as_deref() == Some(r.key.as_str())/>
                                <label for=id title=r.description.clone()>{r.label.clone()}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for=format!("{prefix}-level")>"At level"</label>
                <select id=format!("{prefix}-level") name="target_level" required=true
                    aria-invalid=level_error.is_some().then_some("true")>
                    <option value="">"Choose a level"</option>
                    {[Level::Mid, Level::Senior, Level::Staff].map(|l| view! {
                        <option value=l.key() selected=chosen_level.as_deref() == Some(l.key())>{l.label()}</option>
                    }).collect_view()}
                </select>
                {level_error.map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for=format!("{prefix}-feedback")>"Feedback for the candidate"</label>
                <textarea id=format!("{prefix}-feedback") name="feedback" rows="6" required=true
                    maxlength=MAX_NOTES_CHARS.to_string()
                    aria-invalid=feedback_error.is_some().then_some("true")>{kept("feedback").map(|t| textarea_text(&t))}</textarea>
                {feedback_error.map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for=format!("{prefix}-evidence")>"Evidence notes"</label>
                <textarea id=format!("{prefix}-evidence") name="evidence" rows="6"
                    maxlength=MAX_NOTES_CHARS.to_string()>{textarea_text(&kept("evidence").unwrap_or_else(|| c.notes_md.clone()))}</textarea>
            </div>
            <button type="submit" class="button">{if amends.is_some() { "Add amendment" } else { "Submit scorecard" }}</button>
        </ActionForm>
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let screen = Resource::new(token, join_screen);
    loaded(screen, move |s| {
        let token = token();
        view! {
            <Title text="Your interview"/>
            <div class="wrap narrow join">
                <LiveScreen token initial=s/>
            </div>
        }
    })
}
