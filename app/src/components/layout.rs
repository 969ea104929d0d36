//! The frame around every page: skip link, site navigation, footer.
use crate::api::account::{who_am_i, SignOut};
use crate::domain::account::{CurrentUser, Role};
use leptos::prelude::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    // Read here, where the router is in context: the account menus render later, inside a
    // Suspense, when a request that was given up on (a client gone) may have lost it (Leptos's
    // own link component then panicked, seen under load).
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " MLOps Interview Coach"
                </a>
                <nav aria-label="Main" class="main-nav">
                    <ul class="nav-list">
                        {MAIN_LINKS
                            .into_iter()
                            .map(|(href, label)| nav_link(&path, href, label))
                            .collect_view()}
                    </ul>
                </nav>
                <Suspense fallback=|| ()>
                    {move || {
                        let path = path.clone();
                        Suspend::new(async move {
                            let user = me.await.ok().flatten();
                            view! {
                                <AccountMenu user=user.clone() path=path.clone()/>
                                <PhoneMenu user path/>
                            }
                        })
                    }}
                </Suspense>
            </div>
        </header>
    }
}

/// A link of the site's menus, marked as the current page on it and below it.
fn nav_link(path: &str, href: &'static str, label: impl Into<String>) -> impl IntoView {
    let current = path == href
        || path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'));
    view! { <li><a href=href aria-current=current.then_some("page")>{label.into()}</a></li> }
}

/// The account's links: sign in and register, or the pages this role has and the account.
fn account_links(user: Option<&CurrentUser>) -> Vec<(&'static str, String)> {
    let Some(user) = user else {
        return vec![
            ("/sign-in", "Sign in".into()),
            ("/register", "Register".into()),
        ];
    };
    let mut links = vec![
        ("/practice", "Practice".into()),
        ("/history", "History".into()),
    ];
    if matches!(user.role, Role::Interviewer | Role::TeamLead | Role::Admin) {
        links.push(("/sessions", "Sessions".into()));
        links.push(("/calibration", "Calibration".into()));
    }
    if matches!(user.role, Role::TeamLead | Role::Admin) {
        links.push(("/author", "Author".into()));
    }
    if user.role == Role::Admin {
        links.push(("/admin", "Admin".into()));
    }
    links.push(("/account", user.display_name.clone()));
    links
}

/// The pages every visitor has.
const MAIN_LINKS: [(&str, &str); 3] = [
    ("/scenarios", "Scenarios"),
    ("/frameworks", "Frameworks"),
    ("/rubric", "Rubric"),
];

/// Sign in / register, or who is signed in with their links and a sign-out button.
#[component]
fn AccountMenu(user: Option<CurrentUser>, path: String) -> impl IntoView {
    let signed_in = user.is_some();
    view! {
        <ul class="nav-list account-menu" aria-label="Account">
            {account_links(user.as_ref())
                .into_iter()
                .map(|(href, label)| nav_link(&path, href, label))
                .collect_view()}
            {signed_in.then(|| view! { <li><SignOutButton/></li> })}
        </ul>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out>
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

/// On a phone the header is the brand and this one button: every link of both menus behind a
/// disclosure that opens without JavaScript (`<details>`). Hidden on wider screens, where the
/// two menus fit beside the brand.
#[component]
fn PhoneMenu(user: Option<CurrentUser>, path: String) -> impl IntoView {
    let signed_in = user.is_some();
    view! {
        <details class="phone-menu">
            <summary>"Menu"</summary>
            <nav aria-label="Site menu">
                <ul>
                    {MAIN_LINKS
                        .into_iter()
                        .map(|(href, label)| nav_link(&path, href, label))
                        .collect_view()}
                    {account_links(user.as_ref())
                        .into_iter()
                        .map(|(href, label)| nav_link(&path, href, label))
                        .collect_view()}
                    {signed_in.then(|| view! { <li><SignOutButton/></li> })}
                </ul>
            </nav>
        </details>
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
