//! "Parent › this page" navigation above a detail page.
use leptos::prelude::*;

#[component]
pub fn Breadcrumb(
    parent_href: &'static str,
    parent: &'static str,
    current: String,
) -> impl IntoView {
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href=parent_href>{parent}</a>
            <span aria-hidden="true">" › "</span>
            <span aria-current="page">{current}</span>
        </nav>
    }
}
