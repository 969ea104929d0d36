//! Parsing rules, shown on small files.
use super::parse::{parse_framework, parse_rubric, parse_scenario};
use crate::domain::library::SectionKind;
use crate::domain::taxonomy::{Level, Topic};

const GOOD: &str = r#"+++
slug = "gpu-pods-pending"
title = "GPU pods stuck in Pending"
summary = "New GPU inference pods cannot schedule during a traffic peak."
topics = ["serving", "cost-capacity"]
level = "mid"

[[key_points]]
id = "scheduler-vs-runtime"
label = "Separates scheduling constraints from GPU runtime problems"
synonyms = ["scheduler", "taints"]

[[key_points]]
id = "device-plugin"
label = "Checks the device plugin"
synonyms = ["device plugin"]

[[key_points]]
id = "capacity"
label = "Checks allocatable GPU capacity"
synonyms = ["allocatable", "capacity"]
+++

## Prompt
Pods are **Pending**.

## What a strong answer covers
- scheduling vs runtime

## First things to inspect
- `kubectl describe pod`

## Commands and checks
- `kubectl get events`

```text
## not a heading: inside a code block
```

## Metrics
- pending pods

## Likely root causes
- taints

## Mitigations
- scale the node group

## Prevention
- quotas

## Follow-up questions
- How do you keep GPU nodes busy? [probes: capacity]
- When would you keep warm capacity,
  and what does it cost? [probes: capacity, device-plugin]
- What else?
"#;

fn messages(text: &str) -> Vec<String> {
    parse_scenario("s.md", text)
        .unwrap_err()
        .into_iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn a_complete_scenario_parses_into_every_part() {
    let s = parse_scenario("s.md", GOOD).unwrap();
    assert_eq!(s.slug.as_str(), "gpu-pods-pending");
    assert_eq!(s.level, Level::Mid);
    assert_eq!(s.topics, [Topic::Serving, Topic::CostCapacity]);
    assert_eq!(s.prompt, "Pods are **Pending**.");
    assert_eq!(
        s.sections.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        SectionKind::ANSWER_KEY,
        "the example answers are optional outside content/"
    );
    let commands = &s.sections[2].1;
    assert!(
        commands.contains("## not a heading"),
        "fenced code stays in its section"
    );
    assert_eq!(s.key_points.len(), 3);
    assert_eq!(s.follow_ups.len(), 3);
    assert_eq!(
        s.follow_ups[1].markdown,
        "When would you keep warm capacity, and what does it cost?"
    );
    assert_eq!(s.follow_ups[1].probes, ["capacity", "device-plugin"]);
    assert!(s.follow_ups[2].probes.is_empty());
}

#[test]
fn the_same_bytes_hash_the_same_and_any_change_changes_the_hash() {
    let a = parse_scenario("s.md", GOOD).unwrap();
    let b = parse_scenario("other.md", GOOD).unwrap();
    let c = parse_scenario("s.md", &GOOD.replace("Pods are", "The pods are")).unwrap();
    assert_eq!(a.hash, b.hash);
    assert_ne!(a.hash, c.hash);
}

#[test]
fn bad_toml_names_the_line() {
    let errors = messages(&GOOD.replace("level = \"mid\"", "level = mid"));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("s.md:6: invalid TOML"), "{errors:?}");
}

#[test]
fn an_unclosed_front_matter_is_reported() {
    let errors = messages("+++\nslug = \"x\"\n## Prompt\n");
    assert!(errors[0].contains("never closed"), "{errors:?}");
}

#[test]
fn an_unknown_topic_names_the_field_its_line_and_the_allowed_topics() {
    let errors = messages(&GOOD.replace("\"cost-capacity\"]", "\"kubernetes\"]"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("s.md:5: field `topics`"),
        "{errors:?}"
    );
    assert!(errors[0].contains("\"kubernetes\""));
    assert!(errors[0].contains("platform-release"));
}

#[test]
fn an_unknown_front_matter_field_is_refused() {
    let errors = messages(&GOOD.replace("level = \"mid\"", "level = \"mid\"\nauthor = \"me\""));
    assert!(errors[0].contains("unknown field `author`"), "{errors:?}");
}

#[test]
fn a_missing_section_is_named() {
    let errors = messages(&GOOD.replace("## Metrics\n- pending pods\n", ""));
    assert_eq!(errors, ["s.md: missing section \"## Metrics\""]);
}

#[test]
fn a_misspelt_section_is_unknown_and_the_real_one_missing() {
    let errors = messages(&GOOD.replace("## Prevention", "## Preventions"));
    assert!(errors
        .iter()
        .any(|e| e.contains("unknown section \"Preventions\"")));
    assert!(errors
        .iter()
        .any(|e| e.contains("missing section \"## Prevention\"")));
}

#[test]
fn empty_and_repeated_sections_are_refused() {
    let errors = messages(&GOOD.replace("- pending pods\n", ""));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("section \"Metrics\" is empty")),
        "{errors:?}"
    );
    let errors = messages(&format!("{GOOD}\n## Metrics\n- again\n"));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("\"Metrics\" appears twice")),
        "{errors:?}"
    );
}

#[test]
fn a_follow_up_probing_an_unknown_key_point_is_refused_with_the_known_ones() {
    let errors = messages(&GOOD.replace("[probes: capacity]", "[probes: capacty]"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("unknown key point \"capacty\""));
    assert!(errors[0].contains("capacity, device-plugin, scheduler-vs-runtime"));
}

#[test]
fn too_few_key_points_and_bad_ids_are_refused() {
    let two = GOOD.replacen(
        "[[key_points]]\nid = \"capacity\"\nlabel = \"Checks allocatable GPU capacity\"\nsynonyms = [\"allocatable\", \"capacity\"]\n",
        "",
        1,
    );
    let errors = messages(
        &two.replace("[probes: capacity]", "")
            .replace("[probes: capacity, device-plugin]", ""),
    );
    assert!(
        errors.iter().any(|e| e.contains("3 to 10 key points")),
        "{errors:?}"
    );
    let errors = messages(&GOOD.replace("id = \"capacity\"", "id = \"Capacity!\""));
    assert!(
        errors.iter().any(|e| e.contains("key point id")),
        "{errors:?}"
    );
}

#[test]
fn an_over_long_prompt_or_a_flood_of_key_points_is_one_clear_error() {
    let long = GOOD.replace("Pods are **Pending**.", &"Pods are pending. ".repeat(300));
    let errors = messages(&long);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("section \"Prompt\" has 5399 characters; at most 4000"));
    let extra: String = (0..2000)
        .map(|i| format!("[[key_points]]\nid = \"extra-{i}\"\nlabel = \"x\"\nsynonyms = []\n"))
        .collect();
    let flood = GOOD.replace("+++\n\n## Prompt", &format!("{extra}+++\n\n## Prompt"));
    let errors = messages(&flood);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("3 to 10 key points, not 2003")),
        "{errors:?}"
    );
    assert!(errors.len() < 5, "{} errors", errors.len());
}

#[test]
fn a_bad_slug_and_a_short_summary_are_both_reported_at_once() {
    let errors = messages(
        &GOOD
            .replace("slug = \"gpu-pods-pending\"", "slug = \"GPU Pods\"")
            .replace(
                "summary = \"New GPU inference pods cannot schedule during a traffic peak.\"",
                "summary = \"short\"",
            ),
    );
    assert!(
        errors.iter().any(|e| e.starts_with("s.md:2: field `slug`")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("s.md:4: field `summary`")),
        "{errors:?}"
    );
}

#[test]
fn a_framework_needs_front_matter_and_a_body() {
    let ok = "+++\nslug = \"first-five-minutes\"\ntitle = \"First five\"\nsummary = \"What to say first.\"\norder = 2\n+++\n\n## Say\nText.\n";
    let f = parse_framework("f.md", ok).unwrap();
    assert_eq!(f.order, 2);
    let empty = ok.replace("\n## Say\nText.\n", "\n");
    let errors = parse_framework("f.md", &empty).unwrap_err();
    assert!(errors[0].to_string().contains("no text"), "{errors:?}");
}

#[test]
fn a_rubric_dimension_needs_all_four_levels() {
    let rubric = |levels: &str| {
        let dims = ["a-dim", "b-dim", "c-dim"]
            .map(|k| format!("[[dimensions]]\nkey = \"{k}\"\nname = \"N\"\ndescription = \"D\"\n[dimensions.levels]\n{levels}\n"))
            .join("\n");
        format!("name = \"Rubric\"\ndescription = \"R\"\n{dims}\n[[recommendations]]\nkey = \"no\"\nlabel = \"No\"\ndescription = \"n\"\n[[recommendations]]\nkey = \"yes\"\nlabel = \"Yes\"\ndescription = \"y\"\n")
    };
    let r = parse_rubric(
        "r.toml",
        &rubric("1 = \"a\"\n2 = \"b\"\n3 = \"c\"\n4 = \"d\""),
    )
    .unwrap();
    assert_eq!(r.dimensions[0].levels[3], "d");
    let errors = parse_rubric("r.toml", &rubric("1 = \"a\"\n2 = \"b\"\n4 = \"d\"")).unwrap_err();
    assert_eq!(errors.len(), 3);
    assert!(
        errors[0]
            .to_string()
            .starts_with("r.toml:4: dimension \"a-dim\""),
        "{errors:?}"
    );
    assert!(errors[0].to_string().contains("found: 1, 2, 4"));
}

#[test]
fn the_library_lint_refuses_an_unfinished_drill_and_says_what_is_missing() {
    use super::files::ContentSet;
    let rubric_text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/rubric.toml"),
    )
    .unwrap();
    let set = ContentSet {
        scenarios: vec![parse_scenario("s.md", GOOD).unwrap()],
        frameworks: vec![],
        rubric: parse_rubric("rubric.toml", &rubric_text).unwrap(),
    };
    let problems: Vec<String> = super::lint(&set, |_| Some(GOOD.to_string()))
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    let said = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(said("field `not_applicable` is missing"), "{problems:#?}");
    assert!(
        said("missing section \"## Example answer at level 2\""),
        "{problems:#?}"
    );
    assert!(
        said("missing section \"## Example answer at level 4\""),
        "{problems:#?}"
    );
    assert!(said("the commands use kubectl"), "{problems:#?}");
    assert!(
        said("key point \"scheduler-vs-runtime\" is probed by no follow-up"),
        "{problems:#?}"
    );
    // A generic one-word synonym, and one the Prompt already says.
    let worse = GOOD
        .replace(
            "synonyms = [\"allocatable\", \"capacity\"]",
            "synonyms = [\"allocatable\", \"cost\"]",
        )
        .replace(
            "Pods are **Pending**.",
            "Pods are **Pending** on the device plugin.",
        );
    let set = ContentSet {
        scenarios: vec![parse_scenario("s.md", &worse).unwrap()],
        ..set
    };
    let problems: Vec<String> = super::lint(&set, |_| Some(worse.clone()))
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("synonym \"cost\" is a single generic word")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("synonym \"device plugin\" occurs in the drill's Prompt")),
        "{problems:#?}"
    );
}
