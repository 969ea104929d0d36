//! The page for unknown URLs (HTTP 404).
use crate::components::error_view::NotFound;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <NotFound/> }
}
