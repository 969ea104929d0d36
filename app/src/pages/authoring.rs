//! Authoring: the overview of a team's scenarios, the editor, and a scenario's version history
//! with diffs.
use crate::api::authoring::{
    author_editor, authoring_overview, scenario_history, SaveScenario, SetScenarioArchived,
};
use crate::components::authoring::MarkdownField;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::form::{field_error, kept_value, textarea_text, FormError, Notice};
use crate::components::loaded::loaded;
use crate::domain::authoring::{
    level_choices, section_field, AuthorOverview, DiffLine, Editor, History,
};
use crate::domain::error::AppError;
use crate::domain::library::SectionKind;
use crate::domain::practice::{date, date_time};
use crate::domain::taxonomy::Topic;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AuthorPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| authoring_overview());
    loaded(overview, |o| view! { <OverviewView o/> })
}

#[component]
fn OverviewView(o: AuthorOverview) -> impl IntoView {
    view! {
        <Title text="Write scenarios"/>
        <div class="wrap authoring">
            <h1>"Write scenarios"</h1>
            <p class="lede">"Your team's own drills, in the same format as the built-in library. Each save is a new version; attempts keep pointing at the version they answered. Your team's scenarios are seen by your team only."</p>
            <div class="actions-row">
                {o.teams.iter().map(|(id, name)| view! {
                    <a class="button" href=format!("/author/edit?team={id}")>{format!("New scenario for {name}")}</a>
                }).collect_view()}
                <a class="button secondary" href="/author/packs">"Export or import a content pack"</a>
            </div>
            <section aria-labelledby="team-heading">
                <h2 id="team-heading">"Team scenarios"</h2>
                {if o.scenarios.is_empty() {
                    view! { <p class="hint">"None yet: write one, or fork a built-in below."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                            <table class="attempts">
                                <thead><tr>
                                    <th scope="col">"Scenario"</th>
                                    <th scope="col">"Team"</th>
                                    <th scope="col">"Version"</th>
                                    <th scope="col">"Saved"</th>
                                    <th scope="col">"Actions"</th>
                                </tr></thead>
                                <tbody>
                                    {o.scenarios.iter().map(|s| view! {
                                        <tr>
                                            <th scope="row">
                                                {if s.archived {
                                                    view! { <span>{s.title.clone()}" "<span class="badge">"archived"</span></span> }.into_any()
                                                } else {
                                                    view! { <a href=format!("/scenarios/{}", s.slug)>{s.title.clone()}</a> }.into_any()
                                                }}
                                                {s.forked_from.clone().map(|f| view! { <span class="hint">{format!(" (fork of {f})")}</span> })}
                                            </th>
                                            <td>{s.team.clone()}</td>
                                            <td>{s.version}</td>
                                            <td>{date(s.updated_at)}</td>
                                            <td class="row-actions">
                                                <a href=format!("/author/edit?slug={}", s.slug)>{format!("Edit {}", s.title)}</a>
                                                <a href=format!("/scenarios/{}/history", s.slug)>"History"</a>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="fork-heading">
                <h2 id="fork-heading">"Fork a built-in scenario"</h2>
                <p class="hint">"Built-ins come from the content files and are the same for everyone. To change one for your team, fork it: the fork is your team's, and content updates never touch it."</p>
                <form method="get" action="/author/edit" class="inline-form">
                    <div class="field">
                        <label for="fork">"Built-in scenario"</label>
                        <select id="fork" name="fork" required=true>
                            {o.builtins.iter().map(|(slug, title)| view! { <option value=slug.clone()>{title.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="fork-team">"For team"</label>
                        <select id="fork-team" name="team">
                            {o.teams.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button secondary">"Fork and edit"</button>
                </form>
            </section>
        </div>
    }
}

#[component]
pub fn EditorPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("slug").unwrap_or_default(),
            q.get("fork").unwrap_or_default(),
            q.get("team").unwrap_or_default(),
        )
    };
    let editor = Resource::new(args, |(slug, fork, team)| author_editor(slug, fork, team));
    loaded(editor, |e| view! { <EditorView e/> })
}

#[component]
fn EditorView(e: Editor) -> impl IntoView {
    let save = ServerAction::<SaveScenario>::new();
    let error = save.value().get_untracked().and_then(Result::err);
    let d = e.draft.clone();
    // After a refused save, what was typed; otherwise what was loaded.
    let value = {
        let error = error.clone();
        move |field: &str, loaded: &str| {
            kept_value(&error, field).unwrap_or_else(|| loaded.to_string())
        }
    };
    let err = {
        let e = error.clone();
        move |f: &str| field_error(&e, f)
    };
    let previews = e.previews.clone();
    let preview = move |field: &str| {
        previews
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_default()
    };
    let title = if e.existing {
        format!("Edit: {}", d.title)
    } else if let Some(f) = &e.forked_from {
        format!("Fork of {f}")
    } else {
        "New scenario".to_string()
    };
    let team_name = e
        .teams
        .iter()
        .find(|t| Some(t.0) == e.team_id)
        .map(|t| t.1.clone())
        .unwrap_or_default();
    let chosen_topics: Vec<Topic> = if error.is_some() {
        Topic::ALL
            .into_iter()
            .filter(|t| kept_value(&error, &format!("topics[{}]", t.key())).is_some())
            .collect()
    } else {
        d.topics.clone()
    };
    let chosen_level = value("level", &d.level);
    let not_exercised: Vec<String> = if error.is_some() {
        e.dimensions
            .iter()
            .filter(|(k, _)| kept_value(&error, &format!("not_applicable[{k}]")).is_some())
            .map(|(k, _)| k.clone())
            .collect()
    } else {
        d.not_applicable.clone()
    };
    let not_applicable_error = err("not_applicable");
    let text_input = {
        let value = value.clone();
        let err = err.clone();
        move |name: &'static str,
              label: &'static str,
              loaded: String,
              hint: &'static str,
              readonly: bool| {
            let e = err(name);
            let described = if e.is_some() {
                format!("{name}-hint {name}-error")
            } else {
                format!("{name}-hint")
            };
            view! {
                <div class="field">
                    <label for=name>{label}</label>
                    <p class="hint" id=format!("{name}-hint")>{hint}</p>
                    <input id=name name=name type="text" value=value(name, &loaded) readonly=readonly
                        aria-invalid=e.is_some().then_some("true") aria-describedby=described/>
                    {e.map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
                </div>
            }
        }
    };
    let lines_field = {
        let value = value.clone();
        let err = err.clone();
        move |name: &'static str,
              label: &'static str,
              loaded: String,
              hint: &'static str,
              rows: u32| {
            let e = err(name);
            let described = if e.is_some() {
                format!("{name}-hint {name}-error")
            } else {
                format!("{name}-hint")
            };
            view! {
                <div class="field">
                    <label for=name>{label}</label>
                    <p class="hint" id=format!("{name}-hint")>{hint}</p>
                    <textarea id=name name=name rows=rows.to_string() class="mono"
                        aria-invalid=e.is_some().then_some("true") aria-describedby=described>{textarea_text(&value(name, &loaded))}</textarea>
                    {e.map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })}
                </div>
            }
        }
    };
    let topics_error = err("topics");
    let level_error = err("level");
    let form_error = err("form");
    view! {
        <Title text=title.clone()/>
        <div class="wrap authoring editor">
            <Breadcrumb parent_href="/author" parent="Write scenarios" current=title.clone()/>
            <h1>{title.clone()}</h1>
            <p class="hint">
                {format!("Team: {team_name}. ")}
                {e.version.map(|v| format!("Saving makes version {} of this scenario. ", v + 1))}
                "Every field is checked exactly as a content file is; nothing you typed is lost when something is refused."
            </p>
            <ActionForm action=save attr:class="editor-form">
                {match &error {
                    Some(AppError::Validation(_)) => view! {
                        <p class="form-error" role="alert">"Some fields need attention; each is marked below."</p>
                    }.into_any(),
                    Some(other) => view! { <FormError error=Some(other.clone())/> }.into_any(),
                    None => ().into_any(),
                }}
                {form_error.map(|m| view! { <p class="form-error">{m}</p> })}
                <input type="hidden" name="team_id" value=e.team_id.unwrap_or_default().to_string()/>
                <input type="hidden" name="existing" value=if e.existing { d.slug.clone() } else { String::new() }/>
                <input type="hidden" name="forked_from" value=e.forked_from.clone().unwrap_or_default()/>
                <fieldset>
                    <legend>"About"</legend>
                    {text_input("title", "Title", d.title.clone(), "3 to 120 characters.", false)}
                    {text_input("slug", "Slug", d.slug.clone(),
                        if e.existing { "The scenario's address; it does not change." } else { "Its address: lowercase letters, digits and single hyphens." },
                        e.existing)}
                    {text_input("summary", "Summary", d.summary.clone(), "One sentence for the library list (10 to 300 characters).", false)}
                    <fieldset class="topics" aria-describedby=topics_error.is_some().then_some("topics-error")>
                        <legend>"Topics"</legend>
                        {topics_error.clone().map(|m| view! { <p class="field-error" id="topics-error">{m}</p> })}
                        {Topic::ALL.into_iter().map(|t| {
                            let id = format!("topic-{}", t.key());
                            view! {
                                <span class="mark-option">
                                    <input type="checkbox" id=id.clone() name=format!("topics[{}]", t.key())
                                        checked=chosen_topics.contains(&t)/>
                                    <label for=id>{t.label()}</label>
                                </span>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="level">"Level"</label>
                        <select id="level" name="level" aria-invalid=level_error.is_some().then_some("true")>
                            {level_choices().map(|l| view! {
                                <option value=l.key() selected=chosen_level == l.key()>{l.label()}</option>
                            }).collect_view()}
                        </select>
                        {level_error.map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                </fieldset>
                <fieldset class="topics not-applicable" aria-describedby=not_applicable_error.is_some().then_some("not_applicable-error")>
                    <legend>"Rubric dimensions this scenario does not exercise"</legend>
                    <p class="hint">"Usually none. Ticked ones are left out of every scoring form and statistic for this scenario."</p>
                    {not_applicable_error.clone().map(|m| view! { <p class="field-error" id="not_applicable-error">{m}</p> })}
                    {e.dimensions.iter().map(|(key, name)| {
                        let id = format!("na-{key}");
                        view! {
                            <span class="mark-option">
                                <input type="checkbox" id=id.clone() name=format!("not_applicable[{key}]")
                                    checked=not_exercised.contains(key)/>
                                <label for=id>{name.clone()}</label>
                            </span>
                        }
                    }).collect_view()}
                </fieldset>
                {text_input("checked_with", "Commands checked against", d.checked_with.clone(),
                    "Optional: the versions the commands were checked against, e.g. \"kubectl 1.31, mlflow 2.19\".", false)}
                <MarkdownField name="prompt".to_string() label="Prompt".to_string()
                    hint="What the interviewer reads out: the situation in 2 to 5 sentences.".to_string()
                    initial=value("prompt", &d.prompt) initial_html=preview("prompt") rows=5 error=err("prompt")/>
                {SectionKind::ALL.into_iter().map(|kind| {
                    let field = section_field(kind);
                    let loaded = d.sections.iter().find(|(k, _)| *k == kind).map(|(_, b)| b.clone()).unwrap_or_default();
                    let hint = if kind.is_example() {
                        "Optional: an answer as a candidate would give it, in the first person, that scores mostly this level."
                    } else {
                        "Markdown: a list of specific points."
                    };
                    view! {
                        <MarkdownField name=field.clone() label=kind.heading().to_string()
                            hint=hint.to_string()
                            initial=value(&field, &loaded) initial_html=preview(&field) rows=6 error=err(&field)/>
                    }
                }).collect_view()}
                {lines_field("key_points", "Key points", d.key_points.clone(),
                    "3 to 10, one per line: id | label | synonym, synonym. Synonyms are the short phrases that show an answer covered it.", 8)}
                {lines_field("follow_ups", "Follow-up questions", d.follow_ups.clone(),
                    "One per line; end with [probes: id, id] to name the key points it probes.", 5)}
                <div class="form-actions">
                    <button type="submit" class="button">"Save version"</button>
                    <a class="button secondary" href="/author">"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn VersionHistoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            params.read().get("slug").unwrap_or_default(),
            q.get("a").unwrap_or_default(),
            q.get("b").unwrap_or_default(),
        )
    };
    let history = Resource::new(args, |(slug, a, b)| scenario_history(slug, a, b));
    loaded(history, |h| view! { <HistoryView h/> })
}

#[component]
fn HistoryView(h: History) -> impl IntoView {
    let archive = ServerAction::<SetScenarioArchived>::new();
    let archive_error = archive.value().get_untracked().and_then(Result::err);
    let saved = use_query_map().read_untracked().get("saved");
    let title = format!("History: {}", h.title);
    let newest = h.versions.first().map(|v| v.version).unwrap_or(1);
    let (from, to) = h
        .diff
        .as_ref()
        .map(|(a, b, _)| (*a, *b))
        .unwrap_or((newest.saturating_sub(1).max(1), newest));
    view! {
        <Title text=title.clone()/>
        <div class="wrap authoring history-page">
            <Breadcrumb parent_href="/scenarios" parent="Scenarios" current=title.clone()/>
            <h1>{title.clone()}</h1>
            <p class="hint">
                {match &h.team { Some(t) => format!("{t}'s scenario. "), None => "Built-in: versions come from its content file. ".to_string() }}
                {h.archived.then_some("Archived: hidden from the library; past attempts still show it. ")}
            </p>
            <Notice message=match saved.as_deref() {
                Some("version") => Some("Saved as a new version."),
                Some("unchanged") => Some("Nothing changed, so no new version was made."),
                Some("archived") => Some("Archived."),
                Some("restored") => Some("Restored to the library."),
                _ => None,
            }/>
            <div class="actions-row">
                {(!h.archived).then(|| view! { <a class="button secondary" href=format!("/scenarios/{}", h.slug)>"Open the scenario"</a> })}
                {h.can_edit.then(|| view! { <a class="button" href=format!("/author/edit?slug={}", h.slug)>"Edit"</a> })}
                {h.can_edit.then(|| view! {
                    <ActionForm action=archive attr:class="inline-form">
                        <FormError error=archive_error.clone()/>
                        <input type="hidden" name="slug" value=h.slug.clone()/>
                        <input type="hidden" name="archived" value=if h.archived { "no" } else { "yes" }/>
                        <button type="submit" class="button secondary">{if h.archived { "Restore" } else { "Archive" }}</button>
                    </ActionForm>
                })}
            </div>
            <section aria-labelledby="versions-heading">
                <h2 id="versions-heading">"Versions"</h2>
                <form method="get" class="compare-form">
                    <div class="table-scroll">
                        <table class="attempts">
                            <thead><tr>
                                <th scope="col">"Version"</th>
                                <th scope="col">"Saved"</th>
                                <th scope="col">"By"</th>
                                <th scope="col">"Title"</th>
                                <th scope="col">"From"</th>
                                <th scope="col">"To"</th>
                            </tr></thead>
                            <tbody>
                                {h.versions.iter().map(|v| {
                                    let n = v.version;
                                    view! {
                                        <tr>
                                            <th scope="row">{format!("v{n}")}</th>
                                            <td>{date_time(v.created_at)}</td>
                                            <td>{v.author.clone().unwrap_or_else(|| "Content file".into())}</td>
                                            <td>{v.title.clone()}</td>
                                            <td><input type="radio" name="a" value=n.to_string() checked=n == from
                                                aria-label=format!("Compare from version {n}")/></td>
                                            <td><input type="radio" name="b" value=n.to_string() checked=n == to
                                                aria-label=format!("Compare to version {n}")/></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(h.versions.len() > 1).then(|| view! { <button type="submit" class="button secondary">"Compare"</button> })}
                </form>
            </section>
            {h.diff.clone().map(|(a, b, lines)| {
                let added = lines.iter().filter(|l| matches!(l, DiffLine::Added(_))).count();
                let removed = lines.iter().filter(|l| matches!(l, DiffLine::Removed(_))).count();
                view! {
                    <section aria-labelledby="diff-heading" class="diff-section">
                        <h2 id="diff-heading">{format!("Changes from v{a} to v{b}")}</h2>
                        <p class="hint">{format!("{added} lines added, {removed} removed, in the scenario's file format.")}</p>
                        <ol class="diff">
                            {lines.into_iter().map(|l| match l {
                                DiffLine::Same(t) => view! { <li class="same"><span class="visually-hidden">"unchanged: "</span>{t}</li> }.into_any(),
                                DiffLine::Added(t) => view! { <li class="added"><ins><span class="visually-hidden">"added: "</span>{t}</ins></li> }.into_any(),
                                DiffLine::Removed(t) => view! { <li class="removed"><del><span class="visually-hidden">"removed: "</span>{t}</del></li> }.into_any(),
                                DiffLine::Skipped(n) => view! { <li class="skipped">{format!("\u{2026} {n} unchanged lines \u{2026}")}</li> }.into_any(),
                            }).collect_view()}
                        </ol>
                    </section>
                }
            })}
        </div>
    }
}
