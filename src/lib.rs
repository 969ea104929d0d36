//! Browser entry point: hydrates the islands found in a server-rendered page.

// Link the `app` crate even though nothing here names it: its #[island] components export their
// hydration functions with #[wasm_bindgen], and without this line none of them reach the wasm.
#[cfg(feature = "hydrate")]
extern crate app;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
