//! Authoring on the server: a draft is composed into the content file format and validated by
//! the same parser as `content/` files (so a browser-written scenario is exactly as valid as a
//! built-in one), problems are mapped back to the editor's fields, and versions are diffed as
//! the files they are.
use super::content::{parse_scenario, ScenarioFile};
use crate::domain::authoring::{
    checked_with_text, lines, parse_checked_with, parse_key_point, section_field, DiffLine, Draft,
};
use crate::domain::error::Invalid;
use crate::domain::library::SectionKind;

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The draft as a content file, and for each line of it the editor field it came from.
pub fn compose(d: &Draft) -> (String, Vec<String>, Invalid) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut invalid = Invalid::default();
    let mut push = |field: &str, line: String| out.push((field.to_string(), line));
    push("slug", "+++".into());
    push("slug", format!("slug = {}", quoted(d.slug.trim())));
    push("title", format!("title = {}", quoted(d.title.trim())));
    push("summary", format!("summary = {}", quoted(d.summary.trim())));
    push(
        "topics",
        format!(
            "topics = [{}]",
            d.topics
                .iter()
                .map(|t| quoted(t.key()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    push("level", format!("level = {}", quoted(d.level.trim())));
    push(
        "not_applicable",
        format!(
            "not_applicable = [{}]",
            d.not_applicable
                .iter()
                .map(|k| quoted(k))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    match parse_checked_with(&d.checked_with) {
        Ok(pairs) if pairs.is_empty() => {}
        Ok(pairs) => {
            push("checked_with", "[checked_with]".into());
            for (tool, version) in pairs {
                push(
                    "checked_with",
                    format!("{} = {}", quoted(&tool), quoted(&version)),
                );
            }
        }
        Err(e) => invalid = invalid.field("checked_with", e),
    }
    for (n, line) in lines(&d.key_points) {
        match parse_key_point(line) {
            Ok((id, label, synonyms)) => {
                push("key_points", String::new());
                push("key_points", "[[key_points]]".into());
                push("key_points", format!("id = {}", quoted(&id)));
                push("key_points", format!("label = {}", quoted(&label)));
                push(
                    "key_points",
                    format!(
                        "synonyms = [{}]",
                        synonyms
                            .iter()
                            .map(|s| quoted(s))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            Err(e) => invalid = invalid.field("key_points", format!("Line {n}: {e}.")),
        }
    }
    push("key_points", "+++".into());
    let mut section = |field: &str, heading: &str, body: &str| {
        push(field, String::new());
        push(field, format!("## {heading}"));
        push(field, String::new());
        for line in body.trim_end().lines() {
            push(field, line.to_string());
        }
    };
    let body_of = |kind: SectionKind| {
        d.sections
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, b)| b.as_str())
            .unwrap_or("")
    };
    section("prompt", "Prompt", &d.prompt);
    for kind in SectionKind::ANSWER_KEY {
        section(&section_field(kind), kind.heading(), body_of(kind));
    }
    let follow_ups: String = lines(&d.follow_ups)
        .map(|(_, l)| {
            let l = l.strip_prefix("- ").unwrap_or(l);
            format!("- {l}")
        })
        .collect::<Vec<_>>()
        .join("\n");
    section("follow_ups", "Follow-up questions", &follow_ups);
    // The example answers are optional for a team's scenario: left empty, not written.
    for kind in SectionKind::EXAMPLES {
        if !body_of(kind).trim().is_empty() {
            section(&section_field(kind), kind.heading(), body_of(kind));
        }
    }
    let (fields, text): (Vec<String>, Vec<String>) = out.into_iter().unzip();
    let mut text = text.join("\n");
    text.push('\n');
    (text, fields, invalid)
}

/// The editor draft of a scenario file.
pub fn draft_from(f: &ScenarioFile) -> Draft {
    Draft {
        slug: f.slug.to_string(),
        title: f.title.clone(),
        summary: f.summary.clone(),
        topics: f.topics.clone(),
        level: f.level.key().to_string(),
        prompt: f.prompt.clone(),
        sections: f.sections.clone(),
        key_points: f
            .key_points
            .iter()
            .map(|k| format!("{} | {} | {}", k.key, k.label, k.synonyms.join(", ")))
            .collect::<Vec<_>>()
            .join("\n"),
        follow_ups: f
            .follow_ups
            .iter()
            .map(|q| {
                if q.probes.is_empty() {
                    q.markdown.clone()
                } else {
                    format!("{} [probes: {}]", q.markdown, q.probes.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        not_applicable: f.not_applicable.clone().unwrap_or_default(),
        checked_with: checked_with_text(&f.checked_with),
    }
}

/// Two scenario files say the same thing (wherever they came from, however they were laid
/// out): saving or importing one over the other would make an empty version.
pub fn same_content(a: &ScenarioFile, b: &ScenarioFile) -> bool {
    let mut topics_a = a.topics.clone();
    let mut topics_b = b.topics.clone();
    topics_a.sort();
    topics_b.sort();
    a.slug == b.slug
        && a.title == b.title
        && a.summary == b.summary
        && topics_a == topics_b
        && a.level == b.level
        && a.prompt == b.prompt
        && a.sections == b.sections
        && a.key_points == b.key_points
        && a.follow_ups == b.follow_ups
        // "Not said" and "none" are the same for a team's scenario.
        && a.not_applicable.as_deref().unwrap_or_default()
            == b.not_applicable.as_deref().unwrap_or_default()
        && a.checked_with == b.checked_with
}

/// Validate a draft: the parsed scenario, or every problem under the field it belongs to.
pub fn validate(d: &Draft) -> Result<ScenarioFile, Invalid> {
    let (text, fields, mut invalid) = compose(d);
    let parsed = parse_scenario("editor", &text);
    match parsed {
        Ok(file) if invalid.is_empty() => Ok(file),
        Ok(_) => Err(invalid),
        Err(problems) => {
            for p in problems {
                let field = p
                    .line
                    .and_then(|l| fields.get(l.saturating_sub(1)))
                    .map(String::as_str)
                    .unwrap_or("form");
                invalid = invalid.field(field, capitalise(&p.message));
            }
            Err(invalid)
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Lines of context kept around each change.
const CONTEXT: usize = 3;

/// Longest a diff may take: past it, the diff algorithm gives up on finding the smallest diff
/// and answers with a coarser one (whole blocks removed and added), which is still correct.
pub const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_millis(250);

/// [`diff`] on a blocking thread, so that a large one never holds up the async workers.
pub async fn diff_off_thread(old: String, new: String) -> Result<Vec<DiffLine>, String> {
    tokio::task::spawn_blocking(move || diff(&old, &new))
        .await
        .map_err(|e| format!("diff thread: {e}"))
}

/// A line diff of two files, unchanged stretches longer than the context shortened. Bounded in
/// time by [`DIFF_DEADLINE`].
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    use similar::{ChangeTag, TextDiff};
    let deadline = std::time::Instant::now() + DIFF_DEADLINE;
    let all: Vec<DiffLine> = TextDiff::configure()
        .deadline(deadline)
        .diff_lines(old, new)
        .iter_all_changes()
        .map(|c| {
            let text = c.value().trim_end_matches('\n').to_string();
            match c.tag() {
                ChangeTag::Equal => DiffLine::Same(text),
                ChangeTag::Insert => DiffLine::Added(text),
                ChangeTag::Delete => DiffLine::Removed(text),
            }
        })
        .collect();
    let near_change = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT).min(all.len().saturating_sub(1));
        all[lo..=hi].iter().any(|l| !matches!(l, DiffLine::Same(_)))
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, line) in all.iter().enumerate() {
        if matches!(line, DiffLine::Same(_)) && !near_change(i) {
            skipped += 1;
            continue;
        }
        if skipped > 0 {
            out.push(DiffLine::Skipped(skipped));
            skipped = 0;
        }
        out.push(line.clone());
    }
    if skipped > 0 {
        out.push(DiffLine::Skipped(skipped));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::taxonomy::Topic;

    fn draft() -> Draft {
        Draft {
            slug: "disk-full-on-trainer".into(),
            title: "The training node's disk fills up".into(),
            summary: "Checkpoints stop being written when the trainer's local disk fills.".into(),
            topics: vec![Topic::Training],
            level: "mid".into(),
            prompt: "A long training run stops writing checkpoints. The job is still running. What do you do?".into(),
            sections: SectionKind::ALL
                .into_iter()
                .map(|k| (k, format!("- something specific about {}", k.heading())))
                .collect(),
            key_points: [
                "disk-usage | Checks disk usage first | df, disk full",
                "checkpoint-path | Moves checkpoints to durable storage | object storage, s3",
                "retention | Keeps only the last few checkpoints | retention, keep last",
            ]
            .join("\n"),
            follow_ups: "What do you alert on? [probes: disk-usage]\n- How do you resume? [probes: checkpoint-path]".into(),
            not_applicable: vec![],
            checked_with: String::new(),
        }
    }

    #[test]
    fn a_complete_draft_is_a_valid_scenario_file() {
        let file = validate(&draft()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(file.slug.as_str(), "disk-full-on-trainer");
        assert_eq!(file.key_points.len(), 3);
        assert_eq!(
            file.follow_ups[1].probes,
            vec!["checkpoint-path".to_string()]
        );
        assert_eq!(file.follow_ups[1].markdown, "How do you resume?");
    }

    #[test]
    fn problems_land_on_the_field_they_belong_to() {
        let mut d = draft();
        d.title = "x".into();
        d.key_points.push_str("\nno pipes here");
        let e = validate(&d).unwrap_err();
        assert!(
            e.errors
                .iter()
                .any(|f| f.field == "key_points" && f.message.contains("Line 4")),
            "{e:?}"
        );
        let mut d = draft();
        d.title = "x".into();
        d.follow_ups = "Which? [probes: nope]".into();
        let e = validate(&d).unwrap_err();
        assert!(e.errors.iter().any(|f| f.field == "title"), "{e:?}");
        assert!(e.errors.iter().any(|f| f.field == "follow_ups"), "{e:?}");
        let mut d = draft();
        d.sections[2].1 = String::new();
        let e = validate(&d).unwrap_err();
        assert!(
            e.errors.iter().any(|f| f.field == "sections[commands]"),
            "{e:?}"
        );
    }

    #[test]
    fn quotes_and_backslashes_in_fields_cannot_break_the_front_matter() {
        let mut d = draft();
        d.title = "A \"quoted\" title \\ with +++ in it".into();
        let file = validate(&d).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(file.title, "A \"quoted\" title \\ with +++ in it");
    }

    #[test]
    fn a_diff_shows_changed_lines_with_context_and_skips_the_rest() {
        let old = (1..=20).map(|i| format!("line {i}\n")).collect::<String>();
        let new = old.replace("line 10\n", "line ten\n");
        let d = diff(&old, &new);
        assert!(d.contains(&DiffLine::Removed("line 10".into())));
        assert!(d.contains(&DiffLine::Added("line ten".into())));
        assert!(d.contains(&DiffLine::Same("line 7".into())));
        assert!(!d.contains(&DiffLine::Same("line 2".into())));
        assert_eq!(d.first(), Some(&DiffLine::Skipped(6)));
    }

    #[test]
    fn a_huge_diff_ends_by_its_deadline_and_still_tells_the_truth() {
        // Two large versions sharing no line: the worst case for Myers' algorithm.
        let old: String = (0..60_000).map(|i| format!("old line {i}\n")).collect();
        let new: String = (0..60_000)
            .map(|i| format!("new line {}\n", i * 7))
            .collect();
        let started = std::time::Instant::now();
        let d = diff(&old, &new);
        assert!(
            started.elapsed() < DIFF_DEADLINE * 8,
            "took {:?}",
            started.elapsed()
        );
        let removed = d
            .iter()
            .filter(|l| matches!(l, DiffLine::Removed(_)))
            .count();
        let added = d.iter().filter(|l| matches!(l, DiffLine::Added(_))).count();
        assert_eq!((removed, added), (60_000, 60_000));
    }
}
