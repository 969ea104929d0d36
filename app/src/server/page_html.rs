//! The last touch on every rendered page, before it is cached, compressed and sent.
//!
//! - A page without an island gets no JavaScript and no wasm: the hydration tags
//!   (`crate::hydration`) and Leptos's resource scripts come out. Most pages (the library, a
//!   scenario, the frameworks, the rubric, history) are plain documents that nothing hydrates.
//! - Leptos writes the resource scripts after `</html>`, where an HTML parser meets a "stray
//!   start tag" and the Nu checker stops reading; on a page with islands they move to the end
//!   of `<body>`, which is where a browser put them anyway (the same DOM, now valid).
//! - Leptos marks hydration boundaries with `<!>`, a "bogus comment" to the HTML parser (the
//!   browser reads an empty comment). Outside islands nothing reads them: they go. Inside an
//!   island the hydrating code walks them, so they become `<!---->`, the valid spelling of
//!   the same empty comment node.
//!
//! Only markup is touched: text, attribute values and the insides of `<script>`, `<style>`,
//! `<textarea>` and `<title>` are copied byte for byte, so nothing a person typed can change.
use crate::hydration::{FIRST_TAG, LOADER_TAG};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest page finished (pages are tens of KB; this only bounds memory). A larger one is
/// sent as rendered, unfinished: still a working page, only not stripped.
pub(crate) const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Middleware: finish every HTML page (see the module's comment).
pub async fn finish(req: Request, next: Next) -> Response {
    use http_body_util::BodyExt;
    use tokio_stream::StreamExt;
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let (mut parts, mut body) = res.into_parts();
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        let data = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue, // trailers: pages have none
            },
            Err(e) => {
                let error = crate::domain::error::AppError::internal(format!(
                    "a page could not be read to finish it: {e}"
                ));
                return (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    error.to_string(),
                )
                    .into_response();
            }
        };
        read.extend_from_slice(&data);
        if read.len() > MAX_PAGE_BYTES {
            tracing::warn!(
                bytes = read.len(),
                "page too large to finish: sent as rendered"
            );
            let head = tokio_stream::once(Ok::<_, axum::Error>(Bytes::from(read)));
            return Response::from_parts(
                parts,
                Body::from_stream(head.chain(body.into_data_stream())),
            );
        }
    }
    let bytes = Bytes::from(read);
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let finished = finish_html(text);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(finished))
}

/// The page, finished: see the module's comment. A fragment that is not a whole page (no
/// `</html>`) only has its markers handled.
pub fn finish_html(html: &str) -> String {
    let islands = html.contains("<leptos-island");
    let mut page = String::with_capacity(html.len());
    let (document, trailing) = match html.rfind("</html>") {
        Some(end) => html.split_at(end + "</html>".len()),
        None => (html, ""),
    };
    // The hydration tags, from the first to the end of the loader script.
    let hydration = document.find(FIRST_TAG).and_then(|start| {
        let loader = start + document[start..].find(LOADER_TAG)?;
        let end = loader + document[loader..].find("</script>")? + "</script>".len();
        Some((start, end))
    });
    let document = match (islands, hydration) {
        (false, Some((start, end))) => {
            let mut kept = String::with_capacity(document.len());
            kept.push_str(&document[..start]);
            kept.push_str(&document[end..]);
            std::borrow::Cow::Owned(kept)
        }
        _ => std::borrow::Cow::Borrowed(document),
    };
    let body_end = document.rfind("</body>");
    match (islands, body_end) {
        (true, Some(at)) if !trailing.is_empty() => {
            markers(&document[..at], &mut page);
            page.push_str(trailing);
            markers(&document[at..], &mut page);
        }
        _ => markers(&document, &mut page),
    }
    page
}

/// Copies `html` to `out`, removing `<!>` outside islands and respelling it inside them.
fn markers(html: &str, out: &mut String) {
    let mut depth = 0usize;
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let rest = &html[start..];
        if rest.starts_with("<!>") {
            out.push_str(&html[copied..start]);
            if depth > 0 {
                out.push_str("<!---->");
            }
            at = start + 3;
            copied = at;
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            at = start + 4 + comment.find("-->").map_or(comment.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("<leptos-island") {
            depth += 1;
        } else if rest.starts_with("</leptos-island") {
            depth = depth.saturating_sub(1);
        }
        let end = start + tag_end(rest);
        at = match raw_text_element(rest) {
            Some(name) => {
                let close = format!("</{name}");
                end + html[end..].find(&close).unwrap_or(html.len() - end)
            }
            None => end,
        };
    }
    out.push_str(&html[copied..]);
}

/// The length of the tag that starts `rest` (quoted attribute values may hold `>`).
fn tag_end(rest: &str) -> usize {
    let mut quote = None;
    for (i, c) in rest.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

/// The element whose content is text to the parser, if `rest` opens one.
fn raw_text_element(rest: &str) -> Option<&'static str> {
    ["script", "style", "textarea", "title"]
        .into_iter()
        .find(|name| {
            rest[1..].starts_with(name)
                && rest[1 + name.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
        })
}

#[cfg(test)]
mod tests {
    use super::finish_html;

    const HEAD: &str = "<!DOCTYPE html><html lang=\"en\"><head><link rel=\"stylesheet\" href=\"/c.css\">\
        <link id=\"hydrate-js\" rel=\"modulepreload\" href=\"/pkg/c.js\"><link id=\"hydrate-wasm\" rel=\"preload\">\
        <script id=\"hydrate\" type=\"module\" nonce=\"n\">load()</script><title>T</title></head>";
    const TAIL: &str = "<script nonce=\"n\">__RESOLVED_RESOURCES=[];</script>";

    #[test]
    fn a_page_without_islands_loads_nothing_and_keeps_its_text() {
        let page = format!(
            "{HEAD}<body><p>a <!>b</p><input value=\"<!> typed\"><textarea>&lt;!&gt; <!></textarea>\
             <!--kept--></body></html>{TAIL}"
        );
        assert_eq!(
            finish_html(&page),
            "<!DOCTYPE html><html lang=\"en\"><head><link rel=\"stylesheet\" href=\"/c.css\">\
             <title>T</title></head><body><p>a b</p><input value=\"<!> typed\">\
             <textarea>&lt;!&gt; <!></textarea><!--kept--></body></html>"
        );
    }

    #[test]
    fn a_page_with_an_island_keeps_its_loader_and_valid_markers() {
        let page = format!(
            "{HEAD}<body><p><!>x</p><leptos-island data-component=\"T\"><b><!>1</b></leptos-island>\
             <i><!></i></body></html>{TAIL}"
        );
        let done = finish_html(&page);
        assert!(done.contains("<script id=\"hydrate\""), "{done}");
        assert!(done.ends_with(&format!(
            "<p>x</p><leptos-island data-component=\"T\"><b><!---->1</b></leptos-island><i></i>{TAIL}</body></html>"
        )), "{done}");
    }

    #[tokio::test]
    async fn a_page_too_large_to_finish_is_sent_whole_as_rendered() {
        use axum::body::Body;
        use axum::response::Html;
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let small = format!("{HEAD}<body><p><!>x</p></body></html>");
        let big = format!(
            "{HEAD}<body><p>{}</p></body></html>",
            "&amp;".repeat(super::MAX_PAGE_BYTES / 4)
        );
        let pages = [small.clone(), big.clone()];
        let router = axum::Router::new()
            .route(
                "/small",
                axum::routing::get(move || async move { Html(small) }),
            )
            .route("/big", axum::routing::get(move || async move { Html(big) }))
            .layer(axum::middleware::from_fn(super::finish));
        for (path, page) in ["/small", "/big"].iter().zip(pages) {
            let res = router
                .clone()
                .oneshot(axum::http::Request::get(*path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            let body = res.into_body().collect().await.unwrap().to_bytes();
            let body = String::from_utf8(body.to_vec()).unwrap();
            if *path == "/small" {
                assert_eq!(body, finish_html(&page));
            } else {
                assert_eq!(body.len(), page.len(), "the large page arrives whole");
                assert!(body == page, "and unchanged");
            }
        }
    }
}
