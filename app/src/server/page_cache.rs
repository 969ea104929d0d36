//! A cache of the public pages as anonymous visitors get them (the library, a scenario, the
//! frameworks, the rubric). They are the same for every visitor and change only when the
//! content does (at start-up), so rendering them once a minute instead of once a request lets
//! the app serve them at a large fraction of a static file server's rate (`make bench`).
//!
//! Only plain GETs without a session cookie, answered 200 with HTML and no cookie of their
//! own, are kept. Each is stored compressed both ways (brotli, gzip) and plain. The nonce a
//! cached page was rendered with would be the same for everyone who gets it, so the cached
//! copy's Content-Security-Policy names the SHA-256 of each inline script instead: as strict,
//! and valid for any number of visitors.
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a cached page is served before it is rendered again.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// Most pages kept (searches have many spellings); when full, new ones are not kept.
const MAX_ENTRIES: usize = 512;
/// Largest page kept: the same bound as the page finisher's.
use super::page_html::MAX_PAGE_BYTES;

struct Cached {
    at: Instant,
    headers: HeaderMap,
    plain: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

/// The cache of one running app (each router has its own, so tests do not share pages). Built-in
/// content changes only at start-up, which starts with an empty cache; team scenarios are never
/// shown to anonymous visitors.
#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<String, Arc<Cached>>>,
}

impl PageCache {
    /// Drop the stale pages once a minute for as long as the cache is in use, so a burst of
    /// searches does not keep its pages in memory while the server idles (issue 19).
    pub fn sweep_stale_pages(self: &Arc<Self>) {
        let cache = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FRESH_FOR);
            every.tick().await;
            loop {
                every.tick().await;
                let Some(cache) = cache.upgrade() else { return };
                let swept = cache.pages.write().map(|mut pages| {
                    pages.retain(|_, p| p.at.elapsed() < FRESH_FOR);
                    pages.shrink_to_fit();
                });
                drop(swept);
            }
        });
    }
}

/// Is this a request for a public page, from someone not signed in.
fn cacheable(req: &Request) -> Option<String> {
    if req.method() != Method::GET {
        return None;
    }
    if super::security::has_session_cookie(req) {
        return None;
    }
    let path = req.uri().path();
    let public = matches!(path, "/" | "/scenarios" | "/frameworks" | "/rubric")
        || ["/scenarios/", "/frameworks/"].iter().any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        });
    let query = req.uri().query().unwrap_or_default();
    (public && query.len() <= 200).then(|| format!("{path}?{query}"))
}

fn accepts(req: &Request, coding: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|c| {
            let mut parts = c.split(';');
            let named = parts
                .next()
                .is_some_and(|name| name.trim().eq_ignore_ascii_case(coding));
            // "q=0", "q=0.0", "q=0.000": refused.
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

/// Middleware (outermost): answer a public page from the cache, or render it and keep it.
pub async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    let Some(key) = cacheable(&req) else {
        return next.run(req).await;
    };
    let (br, gz) = (accepts(&req, "br"), accepts(&req, "gzip"));
    let hit = cache
        .pages
        .read()
        .ok()
        .and_then(|c| c.get(&key).cloned())
        .filter(|c| c.at.elapsed() < FRESH_FOR);
    if let Some(cached) = hit {
        metrics::counter!("coach_page_cache_hits_total").increment(1);
        return respond(&cached, br, gz);
    }
    // Render it plain (the cache compresses it itself), keep it if it may be kept.
    let (mut parts, body) = req.into_parts();
    parts.headers.remove(header::ACCEPT_ENCODING);
    let res = next.run(Request::from_parts(parts, body)).await;
    let keep = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !keep {
        return res;
    }
    let (parts, body) = res.into_parts();
    let plain = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The body is gone by now: say so plainly rather than send an empty page.
            let reference = crate::domain::error::AppError::internal(format!(
                "a public page could not be read for the cache: {e}"
            ));
            let mut res = Response::new(Body::from(reference.to_string()));
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return res;
        }
    };
    metrics::counter!("coach_page_cache_misses_total").increment(1);
    // Room for it? Stale pages go first; a full cache of fresh ones keeps what it has, and the
    // page is sent as rendered without the cost of compressing it for keeping.
    let room = cache.pages.write().is_ok_and(|mut pages| {
        if pages.len() >= MAX_ENTRIES {
            pages.retain(|_, p| p.at.elapsed() < FRESH_FOR);
        }
        pages.len() < MAX_ENTRIES || pages.contains_key(&key)
    });
    if !room {
        return Response::from_parts(parts, Body::from(plain));
    }
    let Some(cached) = store(&parts.headers, plain.clone()) else {
        return Response::from_parts(parts, Body::from(plain));
    };
    let cached = Arc::new(cached);
    if let Ok(mut pages) = cache.pages.write() {
        pages.insert(key, cached.clone());
    }
    respond(&cached, br, gz)
}

/// The page as it is kept: its CSP rewritten to the hashes of its inline scripts, compressed.
fn store(headers: &HeaderMap, plain: Bytes) -> Option<Cached> {
    let html = std::str::from_utf8(&plain).ok()?;
    // Only the scripts the page was rendered to run (they carry its nonce) are allowed in the
    // kept copy; anything else inline was never allowed and stays refused.
    let nonce = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())?;
    let hashes = inline_script_hashes(html, nonce);
    let csp = HeaderValue::from_str(&super::security::page_csp_with(&hashes)).ok()?;
    let mut kept = HeaderMap::new();
    for (name, value) in headers {
        let dropped: [HeaderName; 6] = [
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::CONTENT_ENCODING,
            header::VARY,
            header::DATE,
            HeaderName::from_static("x-request-id"),
        ];
        if !dropped.contains(name) {
            kept.append(name.clone(), value.clone());
        }
    }
    kept.insert(header::CONTENT_SECURITY_POLICY, csp);
    let mut brotli = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 9, 22);
        w.write_all(&plain).ok()?;
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&plain).ok()?;
    Some(Cached {
        at: Instant::now(),
        headers: kept,
        brotli: brotli.into(),
        gzip: gzip.finish().ok()?.into(),
        plain,
    })
}

fn respond(cached: &Cached, br: bool, gz: bool) -> Response {
    let (body, coding) = if br {
        (cached.brotli.clone(), Some("br"))
    } else if gz {
        (cached.gzip.clone(), Some("gzip"))
    } else {
        (cached.plain.clone(), None)
    };
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = cached.headers.clone();
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    res
}

/// `'sha256-…'` of the text of every inline `<script>` of a page that carries `nonce`.
fn inline_script_hashes(html: &str, nonce: &str) -> Vec<String> {
    let marker = format!("nonce=\"{nonce}\"");
    use base64::Engine;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let text = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !text.is_empty() && tag.contains(&marker) {
            let digest = Sha256::digest(text.as_bytes());
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_start + close + "</script>".len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<head><script src="/pkg/a.js"></script><script nonce="n">run()</script>
            <script type="module" nonce="n">go()</script><script>injected()</script>
            <script nonce="guess">also()</script></head>"#;
        let hashes = inline_script_hashes(html, "n");
        assert_eq!(hashes.len(), 2, "only the scripts with the page's nonce");
        // python3: base64.b64encode(hashlib.sha256(b"run()").digest())
        assert_eq!(
            hashes[0],
            "'sha256-AvyuiL0SD1mVY3NNxR+V2uo+lhk6RMFrytWmRt6CrJQ='"
        );
    }

    #[test]
    fn a_coding_refused_with_any_spelling_of_zero_is_not_used() {
        let req = |accept: &str| {
            Request::builder()
                .header(header::ACCEPT_ENCODING, accept)
                .body(Body::empty())
                .unwrap()
        };
        assert!(accepts(&req("gzip, br"), "br"));
        assert!(accepts(&req("GZIP"), "gzip"));
        assert!(!accepts(&req("br;q=0, gzip"), "br"));
        assert!(!accepts(&req("br;q=0.0, gzip"), "br"));
        assert!(!accepts(&req("br; q=0.000"), "br"));
        assert!(accepts(&req("br;q=0.5"), "br"));
    }

    #[test]
    fn only_anonymous_gets_of_public_pages_are_cached() {
        let req = |method: Method, uri: &str, cookie: Option<&str>| {
            let mut b = Request::builder().method(method).uri(uri);
            if let Some(c) = cookie {
                b = b.header(header::COOKIE, c);
            }
            b.body(Body::empty()).unwrap()
        };
        assert!(cacheable(&req(Method::GET, "/scenarios/gpu-pods-pending", None)).is_some());
        assert!(cacheable(&req(Method::GET, "/scenarios?q=gpu", Some("theme=dark"))).is_some());
        assert!(cacheable(&req(Method::GET, "/scenarios/x", Some("coach_session=abc"))).is_none());
        assert!(cacheable(&req(Method::POST, "/scenarios", None)).is_none());
        assert!(cacheable(&req(Method::GET, "/history", None)).is_none());
        assert!(cacheable(&req(Method::GET, "/scenarios/x/history", None)).is_none());
        assert!(cacheable(&req(Method::GET, "/author/packs", None)).is_none());
    }
}
