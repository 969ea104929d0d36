//! The one route table, and the HTML shell every page is rendered into.
use crate::components::layout::{SiteFooter, SiteHeader};
use crate::hydration::Hydration;
use crate::pages::{
    account::AccountPage,
    admin::AdminPage,
    auth::{RegisterPage, SignInPage},
    authoring::{AuthorPage, EditorPage, VersionHistoryPage},
    calibration::{CalibrationPage, ExercisePage, TeamCalibrationPage},
    frameworks::{FrameworkListPage, FrameworkReadPage},
    history::{ComparePage, HistoryPage},
    home::HomePage,
    library::LibraryPage,
    not_found::NotFoundPage,
    packs::{ImportReportPage, PacksPage},
    practice::{AttemptPage, PracticePage},
    rubric::RubricPage,
    scenario::ScenarioPage,
    sessions::{ConsolePage, JoinPage, SessionsPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

pub const SITE_NAME: &str = "MLOps Interview Coach";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" id="leptos" href=format!("/{}/coach.css", options.site_pkg_dir)/>
                <Hydration options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="color-scheme" content="light dark"/>
        <Meta
            name="description"
            content="Practise and run MLOps, ML-platform and LLMOps incident interviews."
        />
        <Title formatter=|page: String| {
            if page.is_empty() { SITE_NAME.to_string() } else { format!("{page} · {SITE_NAME}") }
        }/>
        <Router>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                // Data routes render whole on the server (SsrMode::Async), so every page is
                // complete without JavaScript.
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("scenarios") view=LibraryPage ssr=SsrMode::Async/>
                    <Route path=path!("scenarios/:slug") view=ScenarioPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("scenarios/:slug/history")
                        view=VersionHistoryPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("author") view=AuthorPage ssr=SsrMode::Async/>
                    <Route path=path!("author/edit") view=EditorPage ssr=SsrMode::Async/>
                    <Route path=path!("author/packs") view=PacksPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("author/packs/imports/:id")
                        view=ImportReportPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("frameworks") view=FrameworkListPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("frameworks/:slug")
                        view=FrameworkReadPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("rubric") view=RubricPage ssr=SsrMode::Async/>
                    <Route path=path!("practice") view=PracticePage ssr=SsrMode::Async/>
                    <Route path=path!("practice/:id") view=AttemptPage ssr=SsrMode::Async/>
                    <Route path=path!("history") view=HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("history/compare") view=ComparePage ssr=SsrMode::Async/>
                    <Route path=path!("sessions") view=SessionsPage ssr=SsrMode::Async/>
                    <Route path=path!("sessions/:id") view=ConsolePage ssr=SsrMode::Async/>
                    <Route path=path!("join/:token") view=JoinPage ssr=SsrMode::Async/>
                    <Route path=path!("calibration") view=CalibrationPage ssr=SsrMode::Async/>
                    <Route path=path!("calibration/:id") view=ExercisePage ssr=SsrMode::Async/>
                    <Route
                        path=path!("calibration/teams/:id")
                        view=TeamCalibrationPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("admin") view=AdminPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
