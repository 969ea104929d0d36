//! The general answer frameworks: a list, and one page each.
use crate::api::library::{get_framework, list_frameworks};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::loaded::loaded;
use crate::domain::library::{Framework, FrameworkCard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FrameworkListPage() -> impl IntoView {
    let frameworks = Resource::new(|| (), |_| list_frameworks());
    view! {
        <Title text="Answer frameworks"/>
        <div class="wrap narrow">
            <h1>"Answer frameworks"</h1>
            <p class="lead">
                "The habits behind every strong incident answer, whatever the scenario."
            </p>
            {loaded(frameworks, |list| view! { <FrameworkList list/> })}
        </div>
    }
}

#[component]
fn FrameworkList(list: Vec<FrameworkCard>) -> impl IntoView {
    view! {
        <ol class="cards framework-list">
            {list.into_iter().map(|f| view! {
                <li>
                    <article class="card">
                        <h2 class="card-title">
                            <a href=format!("/frameworks/{}", f.slug)>{f.title}</a>
                        </h2>
                        <p>{f.summary}</p>
                    </article>
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn FrameworkReadPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, |slug| async move {
        Ok((get_framework(slug).await?, list_frameworks().await?))
    });
    loaded(page, |(f, all)| view! { <FrameworkView f all/> })
}

#[component]
fn FrameworkView(f: Framework, all: Vec<FrameworkCard>) -> impl IntoView {
    let current = f.slug.clone();
    view! {
        <Title text=f.title.clone()/>
        <article class="wrap narrow">
            <Breadcrumb parent_href="/frameworks" parent="Frameworks" current=f.title.clone()/>
            <h1>{f.title}</h1>
            <p class="lead">{f.summary}</p>
            <div class="prose" inner_html=f.html></div>
            <nav aria-label="All frameworks" class="see-also">
                <h2>"All frameworks"</h2>
                <ol>
                    {all.into_iter().map(|o| {
                        let here = o.slug == current;
                        view! {
                            <li>
                                <a
                                    href=format!("/frameworks/{}", o.slug)
                                    aria-current=here.then_some("page")
                                >
                                    {o.title}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </nav>
        </article>
    }
}
