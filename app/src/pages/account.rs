//! The signed-in user's own account: password, data export, deletion.
use crate::api::account::{who_am_i, ChangePassword, DeleteAccount};
use crate::components::error_view::ErrorView;
use crate::components::form::{field_error, Field, FormError, Notice};
use crate::components::loaded::loaded;
use crate::domain::account::CurrentUser;
use crate::domain::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    // Read before the await, where the router is in context (see `loaded`).
    let changed = use_query_map().read_untracked().get("changed").is_some();
    loaded(me, move |user| match user {
        Some(user) => view! { <AccountView user changed/> }.into_any(),
        None => view! { <ErrorView error=AppError::Unauthenticated/> }.into_any(),
    })
}

#[component]
fn AccountView(user: CurrentUser, changed: bool) -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let change_error = change.value().get_untracked().and_then(Result::err);
    let delete_error = delete.value().get_untracked().and_then(Result::err);
    let current_error = field_error(&change_error, "current_password");
    let new_error = field_error(&change_error, "new_password");
    let password_error = field_error(&delete_error, "password");
    let confirm_error = field_error(&delete_error, "confirm");
    view! {
        <Title text="Your account"/>
        <div class="wrap narrow form-page">
            <h1>"Your account"</h1>
            <dl class="facts">
                <div><dt>"Name"</dt><dd>{user.display_name}</dd></div>
                <div><dt>"Email"</dt><dd>{user.email}</dd></div>
                <div><dt>"Role"</dt><dd>{user.role.label()}</dd></div>
            </dl>

            <section aria-labelledby="password-heading">
                <h2 id="password-heading">"Change password"</h2>
                <Notice message=changed.then_some("Password changed. You were signed out everywhere else.")/>
                <ActionForm action=change>
                    <FormError error=change_error.clone() fields=&["current_password", "new_password"]/>
                    <Field name="current_password" label="Current password" kind="password" autocomplete="current-password" error=current_error/>
                    <Field name="new_password" label="New password" kind="password" autocomplete="new-password" error=new_error hint="8 to 128 characters. Changing it signs you out on every other device."/>
                    <button type="submit" class="button">"Change password"</button>
                </ActionForm>
            </section>

            <section aria-labelledby="data-heading">
                <h2 id="data-heading">"Your data"</h2>
                <p>"Everything the app holds about you, as a JSON file."</p>
                <p><a class="button secondary" href="/account/export.json" download>"Download my data"</a></p>
            </section>

            <section aria-labelledby="delete-heading" class="danger-zone">
                <h2 id="delete-heading">"Delete account"</h2>
                <p>
                    "Deletes your account, your team memberships and everything you practised. "
                    "Scorecards you wrote about other people stay with their attempts, with your "
                    "name removed. This cannot be undone."
                </p>
                <ActionForm action=delete>
                    <FormError error=delete_error.clone() fields=&["password", "confirm"]/>
                    <Field name="password" id="delete-password".to_string() label="Your password" kind="password" autocomplete="current-password" error=password_error/>
                    <div class="field checkbox">
                        <input type="checkbox" id="confirm" name="confirm" value="yes"
                            aria-invalid=confirm_error.is_some().then_some("true")
                            aria-describedby=confirm_error.is_some().then_some("confirm-error")/>
                        <label for="confirm">"I understand that my account and data go for good"</label>
                        {confirm_error.clone().map(|m| view! { <p class="field-error" id="confirm-error">{m}</p> })}
                    </div>
                    <button type="submit" class="button danger">"Delete my account"</button>
                </ActionForm>
            </section>
        </div>
    }
}
