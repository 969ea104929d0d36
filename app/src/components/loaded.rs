//! A server-function resource rendered whole: its value, or the error page with its status.
use super::error_view::ErrorView;
use crate::domain::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// Wait for `resource` (pages use `SsrMode::Async`, so the server sends the finished page) and
/// render its value with `render`, or the error view when the server function failed.
///
/// `render` runs after an await: by then a request given up on (a client gone) may have lost the
/// router's context, so it must not call router hooks (`use_query_map`, `use_location`, `<A>`),
/// which panic without it. Read them in the page component and move the values in.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="wrap">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
