//! The frame around every page: skip link, site navigation, footer.
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
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
            </div>
        </header>
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
