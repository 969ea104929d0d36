//! Content packs: export any set of scenarios as a zip of content files, import one into a
//! team, and read what an import did (or why it was refused) file by file.
use crate::api::packs::{content_packs, pack_import};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::loaded::loaded;
use crate::domain::error::AppError;
use crate::domain::packs::{ImportView, PackChoice, PacksOverview, MAX_PACK_BYTES};
use crate::domain::practice::date_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PacksPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| content_packs());
    // Read before the await, where the router is in context (see `loaded`).
    let query = use_query_map().get_untracked();
    loaded(
        overview,
        move |o| view! { <PacksView o query=query.clone()/> },
    )
}

/// A group of export checkboxes: one team's scenarios, or the built-ins.
fn choice_group(
    legend: String,
    whole: Option<(String, String)>,
    items: Vec<PackChoice>,
) -> impl IntoView {
    view! {
        <fieldset class="pack-group">
            <legend>{legend}</legend>
            {whole.map(|(href, label)| view! { <p><a href=href download="">{label}</a></p> })}
            <ul class="checklist">
                {items.into_iter().map(|c| {
                    let id = format!("export-{}", c.slug);
                    view! {
                        <li>
                            <input type="checkbox" id=id.clone() name="s" value=c.slug.clone()/>
                            <label for=id>{c.title.clone()}
                                {c.archived.then(|| view! { " " <span class="badge">"archived"</span> })}
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </fieldset>
    }
}

#[component]
fn PacksView(o: PacksOverview, query: leptos_router::params::ParamsMap) -> impl IntoView {
    let export_empty = query.get("export").as_deref() == Some("none");
    let too_large = query.get("import").as_deref() == Some("too-large");
    let builtins: Vec<PackChoice> = o
        .choices
        .iter()
        .filter(|c| c.team.is_none())
        .cloned()
        .collect();
    let groups: Vec<(i64, String, Vec<PackChoice>)> = o
        .teams
        .iter()
        .map(|(id, name)| {
            let items = o
                .choices
                .iter()
                .filter(|c| c.team.as_deref() == Some(name.as_str()))
                .cloned()
                .collect();
            (*id, name.clone(), items)
        })
        .filter(|(_, _, items): &(i64, String, Vec<PackChoice>)| !items.is_empty())
        .collect();
    view! {
        <Title text="Content packs"/>
        <div class="wrap authoring packs">
            <Breadcrumb parent_href="/author" parent="Write scenarios" current="Content packs".to_string()/>
            <h1>"Content packs"</h1>
            <p class="lede">"A pack is a zip of scenario files in the same format as the built-in library: take your team's drills to another team or another installation, edit them in any text editor, keep them in version control."</p>
            <section aria-labelledby="export-heading">
                <h2 id="export-heading">"Export"</h2>
                {export_empty.then(|| view! {
                    <p class="form-error" role="alert">"Choose at least one scenario to export."</p>
                })}
                <form method="get" action="/author/packs/export.zip" class="export-form">
                    {groups.into_iter().map(|(id, name, items)| {
                        let n = items.len();
                        choice_group(
                            format!("{name}'s scenarios"),
                            Some((format!("/author/packs/export.zip?team={id}"), format!("Download all {n} of {name}'s current scenarios"))),
                            items,
                        )
                    }).collect_view()}
                    {choice_group(
                        "Built-in library".to_string(),
                        Some(("/author/packs/export.zip?builtins=yes".to_string(), format!("Download all {} built-in scenarios", builtins.len()))),
                        builtins,
                    )}
                    <button type="submit" class="button">"Download the chosen scenarios"</button>
                </form>
            </section>
            <section aria-labelledby="import-heading">
                <h2 id="import-heading">"Import"</h2>
                <p class="hint" id="import-hint">
                    {format!("A pack (.zip, up to {} MB) or scenario files (.md). ", MAX_PACK_BYTES / (1024 * 1024))}
                    "Every file is checked before anything changes: if any file has a problem, nothing is imported and the report lists every problem with its file and field. A scenario already in your team's library becomes a new version; importing the same pack again changes nothing."
                </p>
                {too_large.then(|| view! {
                    <p class="form-error" role="alert">{format!("That upload is larger than {} MB, so nothing was imported: import the pack in parts.", MAX_PACK_BYTES / (1024 * 1024))}</p>
                })}
                {if o.teams.is_empty() {
                    view! { <p class="hint">"There is no team to import into yet: an admin creates teams."</p> }.into_any()
                } else {
                    view! {
                        <form method="post" action="/author/packs/import" enctype="multipart/form-data" class="import-form">
                            <div class="field">
                                <label for="import-team">"Into team"</label>
                                <select id="import-team" name="team">
                                    {o.teams.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="import-pack">"Pack or scenario files"</label>
                                <input type="file" id="import-pack" name="pack" accept=".zip,.md,application/zip,text/markdown"
                                    multiple=true required=true aria-describedby="import-hint"/>
                            </div>
                            <button type="submit" class="button">"Check and import"</button>
                        </form>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="recent-heading">
                <h2 id="recent-heading">"Recent imports"</h2>
                {if o.recent.is_empty() {
                    view! { <p class="hint">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                            <table class="attempts">
                                <thead><tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Team"</th>
                                    <th scope="col">"By"</th>
                                    <th scope="col">"Result"</th>
                                </tr></thead>
                                <tbody>
                                    {o.recent.iter().map(|i| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/author/packs/imports/{}", i.id)>{date_time(i.created_at)}</a></th>
                                            <td>{i.team.clone()}</td>
                                            <td>{i.by.clone().unwrap_or_else(|| "a deleted account".into())}</td>
                                            <td class=if i.applied { "" } else { "refused" }>{i.summary.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
pub fn ImportReportPage() -> impl IntoView {
    let params = use_params_map();
    let report = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            match id.parse::<i64>() {
                Ok(id) => pack_import(id).await,
                Err(_) => Err(AppError::NotFound),
            }
        },
    );
    loaded(report, |v| view! { <ReportView v/> })
}

#[component]
fn ReportView(v: ImportView) -> impl IntoView {
    let r = v.report;
    let applied = r.applied();
    let summary = r.summary();
    view! {
        <Title text="Import report"/>
        <div class="wrap authoring pack-report">
            <Breadcrumb parent_href="/author/packs" parent="Content packs" current="Import report".to_string()/>
            <h1>"Import report"</h1>
            <p class="hint">
                {format!("Into {}, {} by {}. ", v.team, date_time(v.created_at), v.by.clone().unwrap_or_else(|| "a deleted account".into()))}
                {(!r.uploaded.is_empty()).then(|| format!("Uploaded: {}.", r.uploaded.join(", ")))}
            </p>
            <p class=if applied { "notice success" } else { "form-error" } role=if applied { "status" } else { "alert" }>{summary}</p>
            {(!r.problems.is_empty()).then(|| view! {
                <section aria-labelledby="problems-heading">
                    <h2 id="problems-heading">"Problems"</h2>
                    <p class="hint">"Fix these in the files and import the pack again; nothing was imported, so the files can be fixed in any order."</p>
                    <div class="table-scroll">
                        <table class="attempts problems">
                            <thead><tr>
                                <th scope="col">"File"</th>
                                <th scope="col">"Line"</th>
                                <th scope="col">"Field"</th>
                                <th scope="col">"What is wrong"</th>
                            </tr></thead>
                            <tbody>
                                {r.problems.iter().map(|p| view! {
                                    <tr>
                                        <th scope="row" class="mono">{p.file.clone()}</th>
                                        <td>{p.line.map(|l| l.to_string()).unwrap_or_default()}</td>
                                        <td class="mono">{p.field.clone()}</td>
                                        <td>{p.message.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
            {(!r.files.is_empty()).then(|| view! {
                <section aria-labelledby="files-heading">
                    <h2 id="files-heading">"Scenarios"</h2>
                    <div class="table-scroll">
                        <table class="attempts">
                            <thead><tr>
                                <th scope="col">"File"</th>
                                <th scope="col">"Scenario"</th>
                                <th scope="col">"Result"</th>
                            </tr></thead>
                            <tbody>
                                {r.files.iter().map(|f| view! {
                                    <tr>
                                        <th scope="row" class="mono">{f.file.clone()}</th>
                                        <td><a href=format!("/scenarios/{}/history", f.slug)>{f.title.clone()}</a></td>
                                        <td>{f.outcome.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
            {(!r.ignored.is_empty()).then(|| view! {
                <section aria-labelledby="ignored-heading">
                    <h2 id="ignored-heading">"Left alone"</h2>
                    <p class="hint">"Only scenarios/*.md files are imported; these are not scenarios."</p>
                    <ul>{r.ignored.iter().map(|p| view! { <li class="mono">{p.clone()}</li> }).collect_view()}</ul>
                </section>
            })}
            <p><a class="button secondary" href="/author/packs">"Import another pack"</a></p>
        </div>
    }
}
