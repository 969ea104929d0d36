//! "Open all / close all" for the collapsible parts of an answer key.
//!
//! An island: without JavaScript every part still opens on its own (they are `<details>`), so
//! the button stays hidden until the wasm has loaded and can do something.
use leptos::prelude::*;

#[island]
pub fn ExpandAll(
    /// id of the element whose `<details>` the button opens and closes
    target: String,
) -> impl IntoView {
    let ready = RwSignal::new(false);
    let open = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    #[cfg(not(feature = "hydrate"))]
    let _ = &target;
    let toggle = move |_| {
        let next = !open.get_untracked();
        open.set(next);
        #[cfg(feature = "hydrate")]
        set_details_open(&target, next);
    };
    view! {
        <button
            type="button"
            class="button secondary expand-all"
            hidden=move || !ready.get()
            aria-expanded=move || open.get().to_string()
            on:click=toggle
        >
            {move || if open.get() { "Close all parts" } else { "Open all parts" }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn set_details_open(target: &str, open: bool) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = document.query_selector_all(&format!("#{target} details")) else {
        return;
    };
    for i in 0..list.length() {
        if let Some(details) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        {
            details.set_open(open);
        }
    }
}
