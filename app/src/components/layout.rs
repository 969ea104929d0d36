//! The frame around every page: skip link, site navigation, footer.
use crate::api::account::{who_am_i, SignOut};
use crate::domain::account::{CurrentUser, Role};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " MLOps Interview Coach"
                </a>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        <li><A href="/scenarios">"Scenarios"</A></li>
                        <li><A href="/frameworks">"Frameworks"</A></li>
                        <li><A href="/rubric">"Rubric"</A></li>
                    </ul>
                </nav>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        view! { <AccountMenu user=me.await.ok().flatten()/> }
                    })}
                </Suspense>
            </div>
        </header>
    }
}

/// Sign in / register, or who is signed in with their links and a sign-out button.
#[component]
fn AccountMenu(user: Option<CurrentUser>) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    match user {
        None => view! {
            <ul class="nav-list account-menu" aria-label="Account">
                <li><A href="/sign-in">"Sign in"</A></li>
                <li><A href="/register">"Register"</A></li>
            </ul>
        }
        .into_any(),
        Some(user) => view! {
            <ul class="nav-list account-menu" aria-label="Account">
                <li><A href="/practice">"Practice"</A></li>
                <li><A href="/history">"History"</A></li>
                {matches!(user.role, Role::Interviewer | Role::TeamLead | Role::Admin)
                    .then(|| view! {
                        <li><A href="/sessions">"Sessions"</A></li>
                        <li><A href="/calibration">"Calibration"</A></li>
                    })}
                {matches!(user.role, Role::TeamLead | Role::Admin)
                    .then(|| view! { <li><A href="/author">"Author"</A></li> })}
                {(user.role == Role::Admin).then(|| view! { <li><A href="/admin">"Admin"</A></li> })}
                <li><A href="/account">{user.display_name}</A></li>
                <li>
                    <ActionForm action=sign_out>
                        <button type="submit" class="link-button">"Sign out"</button>
                    </ActionForm>
                </li>
            </ul>
        }
        .into_any(),
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <p>
                    "Practise the incident, not the trivia: separate platform health from model "
                    "correctness, name the versions, mitigate safely, then prevent."
                </p>
            </div>
        </footer>
    }
}
