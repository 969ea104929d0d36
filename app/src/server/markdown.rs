//! Markdown rendering: done once when content is written, never per request.
//!
//! pulldown-cmark turns Markdown into HTML; ammonia then removes anything that is not on its
//! allow-list (scripts, event handlers, `javascript:` links, raw HTML in general), so the stored
//! HTML is safe to insert into pages whoever wrote the Markdown.
use pulldown_cmark::{html, Event, Options, Parser, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// Render Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// The words of a Markdown text without its markup: what the full-text index stores.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lists_and_code() {
        let html = to_html("- run `kubectl describe pod x`\n- check *events*");
        assert!(html.contains("<li>run <code>kubectl describe pod x</code></li>"));
        assert!(html.contains("<em>events</em>"));
    }

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn angle_brackets_in_code_survive_as_text() {
        let html = to_html("`kubectl describe pod <name>`");
        assert!(html.contains("&lt;name&gt;"), "{html}");
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup() {
        let text =
            to_plain_text("## Heading\n\n- roll **back** the `model`\n- pin [digest](https://x)");
        assert_eq!(text, "Heading\nroll back the model\npin digest");
    }
}
