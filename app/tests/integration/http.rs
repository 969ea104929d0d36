//! The app as a browser without JavaScript sees it: whole pages, right statuses, clear errors.
use crate::support::spawn_app;
use app::api::library::{GetScenario, ListScenarios};
use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

/// The titles of the scenario cards on a library page, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split("<h2 class=\"card-title\"><a href=\"/scenarios/")
        .skip(1)
        .map(|s| {
            s.split("</a>")
                .next()
                .unwrap()
                .split('>')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn the_home_page_counts_the_library() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("50 scenarios and 8 answer frameworks."),
            "{}",
            page.body
        );
        assert!(page.body.contains("href=\"/scenarios?topic=llmops\""));
    })
}

#[test]
fn the_library_lists_every_scenario_without_javascript() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(card_titles(&page.body).len(), 50);
        assert!(page.body.contains(">50 scenarios<"));
    })
}

#[test]
fn filters_by_topic_and_by_level_narrow_the_list() {
    crate::support::run(async {
        let app = spawn_app().await;
        let llm = app.get("/scenarios?topic=llmops").await;
        assert_eq!(card_titles(&llm.body).len(), 14);
        assert!(llm.body.contains("14 of 50 scenarios"));
        assert!(llm.body.contains("<option value=\"llmops\" selected"));

        let staff = app.get("/scenarios?level=staff").await;
        let titles = card_titles(&staff.body);
        assert_eq!(titles.len(), 10, "{titles:?}");

        let mid_llm = app.get("/scenarios?topic=llmops&level=mid").await;
        assert_eq!(card_titles(&mid_llm.body).len(), 2);

        let none = app
            .get("/scenarios?topic=llmops&level=mid&q=xylophone")
            .await;
        assert_eq!(none.status, StatusCode::OK);
        assert!(none.body.contains("No scenario matches"));
    })
}

#[test]
fn search_ranks_title_matches_first_and_marks_the_words() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios?q=hallucinating").await;
        let titles = card_titles(&page.body);
        assert!(!titles.is_empty());
        assert!(
            titles[0].to_lowercase().contains("hallucinat"),
            "{titles:?}"
        );
        assert!(page.body.contains("<mark>"));
    })
}

#[test]
fn fts_syntax_in_a_search_is_never_an_error_page() {
    crate::support::run(async {
        let app = spawn_app().await;
        for q in [
            "%22drift",
            "drift*",
            "NEAR(drift%20labels)",
            "-latency",
            "a%22b%22c%22",
            "OR",
            "gpu%20AND",
            "(",
            "title:gpu",
        ] {
            let page = app.get(&format!("/scenarios?q={q}")).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{q}: {}",
                page.status
            );
            assert!(!page.body.contains("fts5"), "{q} leaked an SQLite message");
        }
    })
}

#[test]
fn punctuation_only_and_overlong_searches_say_what_is_wrong_and_keep_the_text() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios?q=%22*(").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page
            .body
            .contains("Type at least one letter or digit to search."));
        assert!(
            page.body.contains("value=\"&quot;*(\""),
            "the typed text stays in the box"
        );

        let long = "drift%20".repeat(40);
        let page = app.get(&format!("/scenarios?q={long}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Search is limited to 200 characters"));
        assert!(page.body.contains("aria-invalid=\"true\""));
    })
}

#[test]
fn an_unknown_topic_in_the_url_is_named() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios?topic=kubernetes").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page
            .body
            .contains("Unknown topic \"kubernetes\"; expected one of: serving"));
    })
}

#[test]
fn a_scenario_page_shows_prompt_answer_key_and_follow_ups() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/scenarios/registry-deployment-drift").await;
        assert_eq!(page.status, StatusCode::OK);
        for part in [
            "The prompt",
            "What a strong answer covers",
            "First things to inspect",
            "Commands and checks",
            "Metrics",
            "Likely root causes",
            "Mitigations",
            "Prevention",
            "Key points a scorer looks for",
            "Follow-up questions",
            "Version 1",
        ] {
            assert!(page.body.contains(part), "missing {part}");
        }
        assert!(page.body.contains("<title>"));
    })
}

#[test]
fn unknown_pages_and_unknown_slugs_answer_404_with_a_page() {
    crate::support::run(async {
        let app = spawn_app().await;
        for uri in [
            "/no-such-page",
            "/scenarios/no-such-scenario",
            "/frameworks/nope",
            "/scenarios/a/b",
        ] {
            let page = app.get(uri).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
            assert!(page.body.contains("Page not found"), "{uri}");
        }
    })
}

#[test]
fn frameworks_are_listed_in_order_and_readable() {
    crate::support::run(async {
        let app = spawn_app().await;
        let list = app.get("/frameworks").await;
        assert_eq!(list.status, StatusCode::OK);
        let first = list.body.find("/frameworks/how-to-answer").unwrap();
        let last = list.body.find("/frameworks/sounding-senior").unwrap();
        assert!(first < last);
        let page = app.get("/frameworks/first-five-minutes").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("aria-current=\"page\""));
    })
}

#[test]
fn the_rubric_shows_every_dimension_at_every_level() {
    crate::support::run(async {
        let app = spawn_app().await;
        let page = app.get("/rubric").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.matches("class=\"dimension\">").count(), 8);
        for score in 1..=4 {
            assert_eq!(
                page.body
                    .matches(&format!("<tr class=\"score-{score}\">"))
                    .count(),
                8
            );
        }
        assert!(page.body.contains("Strong yes"));
        // The rule that combines the scores, with the bar of each level.
        assert!(page.body.contains("The mean a"), "{}", page.body);
        assert!(page.body.contains("<td>2.75</td>"));
    })
}

#[test]
fn a_malformed_server_function_call_is_a_400_without_internals() {
    crate::support::run(async {
        let app = spawn_app().await;
        let reply = app.post_form(GetScenario::PATH, "wrong=1").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert!(
            reply.body.contains("could not be understood"),
            "{}",
            reply.body
        );
        for leak in ["missing field", "Args", "slug", "serde"] {
            assert!(!reply.body.contains(leak), "leaked {leak}: {}", reply.body);
        }
    })
}

#[test]
fn server_functions_answer_with_the_status_of_their_error() {
    crate::support::run(async {
        let app = spawn_app().await;
        let missing = app.post_form(GetScenario::PATH, "slug=nope").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);

        let invalid = app
            .post_form(ListScenarios::PATH, "q=&topic=nope&level=")
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(invalid.body.contains("Unknown topic"));

        let ok = app
            .post_form(GetScenario::PATH, "slug=rag-hallucinations")
            .await;
        assert_eq!(ok.status, StatusCode::OK);
        assert!(ok.body.contains("\"slug\":\"rag-hallucinations\""));
    })
}
