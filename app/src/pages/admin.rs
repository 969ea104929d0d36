//! People and teams, for admins.
use crate::api::admin::{
    list_teams, list_users, AddTeamMember, CreateTeam, RemoveTeamMember, UpdateUser,
};
use crate::components::form::{field_error, Field, FormError, Notice};
use crate::components::loaded::loaded;
use crate::domain::account::{Role, Team, UserSummary};
use crate::domain::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async move { Ok((list_users().await?, list_teams().await?)) },
    );
    let saved = use_query_map().read_untracked().get("saved");
    let notice = match saved.as_deref() {
        Some("user") => Some("Saved the user's access."),
        Some("team") => Some("Saved the team."),
        _ => None,
    };
    view! {
        <Title text="People and teams"/>
        {loaded(data, move |(users, teams)| view! { <AdminView users teams notice/> })}
    }
}

#[component]
fn AdminView(
    users: Vec<UserSummary>,
    teams: Vec<Team>,
    notice: Option<&'static str>,
) -> impl IntoView {
    let update = ServerAction::<UpdateUser>::new();
    let create = ServerAction::<CreateTeam>::new();
    let add = ServerAction::<AddTeamMember>::new();
    let remove = ServerAction::<RemoveTeamMember>::new();
    let update_error = update.value().get_untracked().and_then(Result::err);
    let create_error = create.value().get_untracked().and_then(Result::err);
    let add_error: Option<AppError> = add.value().get_untracked().and_then(Result::err);
    let remove_error = remove.value().get_untracked().and_then(Result::err);
    view! {
        <div class="wrap admin">
            <h1>"People and teams"</h1>
            <Notice message=notice/>
            <section aria-labelledby="users-heading">
                <h2 id="users-heading">"People"</h2>
                <FormError error=update_error/>
                <div class="table-scroll">
                    <table class="users">
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Email"</th>
                                <th scope="col">"Role and access"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {users.into_iter().map(|u| {
                                let id = u.user.id;
                                view! {
                                    <tr class=if u.active { "" } else { "inactive" }>
                                        <th scope="row">{u.user.display_name.clone()}</th>
                                        <td>{u.user.email.clone()}</td>
                                        <td>
                                            <ActionForm action=update attr:class="inline-form">
                                                <input type="hidden" name="user_id" value=id/>
                                                <label for=format!("role-{id}") class="visually-hidden">
                                                    {format!("Role of {}", u.user.display_name)}
                                                </label>
                                                <select id=format!("role-{id}") name="role">
                                                    {Role::ALL.map(|r| view! {
                                                        <option value=r.key() selected=r == u.user.role>{r.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                                <span class="checkbox">
                                                    <input type="checkbox" id=format!("active-{id}") name="active" value="yes" checked=u.active/>
                                                    <label for=format!("active-{id}")>"Active"</label>
                                                </span>
                                                <button type="submit" class="button secondary small">
                                                    "Save" <span class="visually-hidden">{format!(" {}", u.user.display_name)}</span>
                                                </button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>

            <section aria-labelledby="teams-heading">
                <h2 id="teams-heading">"Teams"</h2>
                <ActionForm action=create attr:class="inline-form create-team">
                    <FormError error=create_error.clone() fields=&["name"]/>
                    <Field name="name" id="team-name".to_string() label="New team" error=field_error(&create_error, "name")/>
                    <button type="submit" class="button">"Create team"</button>
                </ActionForm>
                <FormError error=add_error.clone()/>
                <FormError error=remove_error/>
                {teams.into_iter().map(|team| {
                    let team_id = team.id;
                    let team_name = team.name.clone();
                    view! {
                        <article class="team card" aria-labelledby=format!("team-{team_id}")>
                            <h3 id=format!("team-{team_id}")>{team.name.clone()}</h3>
                            {if team.members.is_empty() {
                                view! { <p class="hint">"No members yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="members">
                                        {team.members.into_iter().map(|m| {
                                            let label = format!(" {} from {}", m.display_name, team_name);
                                            view! {
                                            <li>
                                                <span>{m.display_name.clone()}</span>
                                                {m.is_lead.then(|| view! { <span class="chip">"Lead"</span> })}
                                                <span class="hint">{m.role.label()}</span>
                                                <ActionForm action=remove attr:class="inline-form">
                                                    <input type="hidden" name="team_id" value=team_id/>
                                                    <input type="hidden" name="user_id" value=m.user_id/>
                                                    <button type="submit" class="button secondary small">
                                                        "Remove" <span class="visually-hidden">{label}</span>
                                                    </button>
                                                </ActionForm>
                                            </li>
                                        }}).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <ActionForm action=add attr:class="inline-form">
                                <input type="hidden" name="team_id" value=team_id/>
                                <Field name="email" id=format!("member-email-{team_id}") kind="email" label="Add member by email"/>
                                <span class="checkbox">
                                    <input type="checkbox" id=format!("lead-{team_id}") name="lead" value="yes"/>
                                    <label for=format!("lead-{team_id}")>"Team lead"</label>
                                </span>
                                <button type="submit" class="button secondary">"Add" <span class="visually-hidden">{format!(" to {}", team.name)}</span></button>
                            </ActionForm>
                        </article>
                    }
                }).collect_view()}
            </section>
        </div>
    }
}
