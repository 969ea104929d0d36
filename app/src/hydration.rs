//! The tags that load the islands' wasm, in place of Leptos's `HydrationScripts`.
//!
//! Leptos's component marks its two resource hints `crossorigin="<the nonce>"` (not a valid
//! value, and a signed-in page's nonce then sits in three places), and it cannot know whether
//! the page it heads holds an island at all. These are the same three tags, each with an id,
//! so that `server::page_html` can take them out of a finished page without islands: such a
//! page then loads no JavaScript and no wasm. The loader script is Leptos's islands loader
//! (`leptos/src/hydration/island_script.js`, MIT), unchanged in behaviour, written compactly.
use leptos::prelude::*;

/// Finds every `<leptos-island>` under the body and runs its wasm function once the browser is
/// idle; `<leptos-children>` hand their hydration callback to the island inside them.
const LOADER: &str = "((r,p,j,w)=>{const k=[];\
async function h(e,i,m){const f=m[i];if(!f){console.warn(`Could not find WASM function for the island ${i}.`);return}\
const c=k[k.length-1];if(c)c();const x=f(e);if(x&&x.then)await x}\
async function t(n,m){if(n.nodeType!==1)return;const g=n.tagName.toLowerCase();\
if(g===\"leptos-island\")await h(n,n.dataset.component||null,m);\
else if(g===\"leptos-children\"){k.push(n.$$on_hydrate);for(const c of n.children)await t(c,m);k.pop();return}\
for(const c of n.children)await t(c,m)}\
const idle=c=>\"requestIdleCallback\"in window?requestIdleCallback(c):c();\
idle(()=>import(`${r}/${p}/${j}.js`).then(m=>{m.default({module_or_path:`${r}/${p}/${w}.wasm`})\
.then(()=>{m.hydrate();t(document.body,m)});window.__hydrateIsland=(e,i)=>h(e,i,m)}))})";

/// The id of the first of the tags; `server::page_html` removes from it to the loader's end.
pub const FIRST_TAG: &str = "<link id=\"hydrate-js\"";
/// The loader script's opening tag, up to its attributes.
pub const LOADER_TAG: &str = "<script id=\"hydrate\"";

#[component]
pub fn Hydration(options: LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` does in islands mode: outside islands, nothing is hydrated.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let pkg = options.site_pkg_dir.to_string();
    let name = options.output_name.to_string();
    let nonce = leptos::nonce::use_nonce();
    let call = format!("{LOADER}(\"\",{pkg:?},{name:?},{name:?});");
    view! {
        <link id="hydrate-js" rel="modulepreload" href=format!("/{pkg}/{name}.js")/>
        // A fetch() preload is only reused when its CORS mode matches wasm-bindgen's fetch:
        // same-origin credentials, which is what the empty ("anonymous") value asks for.
        <link
            id="hydrate-wasm"
            rel="preload"
            href=format!("/{pkg}/{name}.wasm")
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=""
        />
        <script id="hydrate" type="module" nonce=nonce>{call}</script>
    }
}
