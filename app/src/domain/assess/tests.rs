use super::*;

fn kp(key: &str, label: &str, synonyms: &[&str]) -> KeyPoint {
    KeyPoint {
        key: key.into(),
        label: label.into(),
        synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
    }
}

/// Key points as the drills write them: a label that says the point, phrases as evidence.
fn points() -> Vec<KeyPoint> {
    vec![
        kp(
            "rollback",
            "Mitigates first by rolling back or pinning the last known-good model version",
            &["roll back the model", "pin the previous version"],
        ),
        kp(
            "golden",
            "Replays known-good payloads against both versions and compares the outputs",
            &["replay golden payloads", "known-good requests"],
        ),
        kp(
            "lineage",
            "Traces lineage: which registry alias and training run the serving artifact came from",
            &["model lineage", "registry alias"],
        ),
    ]
}

const PROMPT: &str = "A new model version returns 200 OK but its predictions are wrong.";

fn marks(answer: &str) -> Vec<Mark> {
    assess(answer, PROMPT, &points())
        .into_iter()
        .map(|f| f.mark)
        .collect()
}

#[test]
fn a_stated_point_is_covered_with_its_sentence_as_evidence() {
    let answer = "This is a correctness problem, so I start where the harm is. \
                  First I'd roll the model back to v12 and pin the previous version on the \
                  endpoint while we look for the cause, since v12 produced sane scores. \
                  Then I replay our golden payloads against both versions and diff the \
                  scores, which tells me whether the new artifact or its inputs are at fault.";
    let f = assess(answer, PROMPT, &points());
    assert_eq!(f[0].mark, Mark::Covered, "{f:?}");
    assert_eq!(
        &answer[f[0].evidence[0].0..f[0].evidence[0].1],
        "First I'd roll the model back to v12 and pin the previous version on the \
         endpoint while we look for the cause, since v12 produced sane scores"
    );
    assert_ne!(f[1].mark, Mark::Missed, "{f:?}");
    assert_eq!(f[2].mark, Mark::Missed);
    assert_eq!(f[2].reason, Reason::Absent);
}

#[test]
fn a_rejected_point_earns_nothing() {
    let f = assess(
        "I wouldn't bother to roll back the model, the old one is no better anyway.",
        PROMPT,
        &points(),
    );
    assert_eq!(f[0].mark, Mark::Missed, "{f:?}");
    assert_eq!(f[0].reason, Reason::Rejected);
}

#[test]
fn keywords_in_a_list_are_at_most_named() {
    for m in marks("Rollback model, golden payloads, lineage, alerts, dashboards.") {
        assert_ne!(m, Mark::Covered);
    }
}

#[test]
fn restating_the_prompt_earns_nothing() {
    assert_eq!(
        marks("So a new model version returns 200 OK but the predictions are wrong."),
        [Mark::Missed, Mark::Missed, Mark::Missed]
    );
}

#[test]
fn pieces_mark_the_evidence_of_each_point_and_nothing_else() {
    let answer = "Roll the model back to v12 first, today. Then replay golden payloads. Done.";
    let f = assess(answer, PROMPT, &points());
    let p = pieces(answer, &f);
    let text: String = p.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(text, answer, "nothing lost or doubled");
    let marked: Vec<(&str, &[usize])> = p
        .iter()
        .filter(|p| !p.points.is_empty())
        .map(|p| (p.text.as_str(), p.points.as_slice()))
        .collect();
    assert!(
        marked
            .iter()
            .any(|(t, pts)| t.starts_with("Roll the model back") && pts == &[1]),
        "{marked:?}"
    );
    assert!(pieces("", &f).is_empty());
}

#[test]
fn any_input_is_read_in_bounded_time() {
    for answer in [
        String::new(),
        "🙂".repeat(5000),
        "x".repeat(5000),
        "roll back the model. ".repeat(1000),
        // Hostile shapes: dots with no space (no sentence end, one long run), one endless
        // sentence of the key points' own words, a wall of abbreviations.
        "roll.back.".repeat(4000),
        "a.".repeat(20_000),
        "roll back the model and pin the previous version ".repeat(2000),
        "e.g. ".repeat(8000),
        "Das Modell zurückrollen und die Version anheften.".to_string(),
    ] {
        let started = std::time::Instant::now();
        let f = assess(&answer, PROMPT, &points());
        assert_eq!(f.len(), 3);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}

/// The models in `model.rs`, on dev rows the fitting script wrote beside them, give the
/// probabilities the script computed: Rust reads the stumps as Python fitted them.
#[test]
fn the_models_give_what_the_fitting_script_gave() {
    assert!(!model::CHECKS.is_empty());
    for (x, covered, seen) in model::CHECKS {
        assert!((COVERED.probability(x) - covered).abs() < 1e-4, "{x:?}");
        assert!((SEEN.probability(x) - seen).abs() < 1e-4, "{x:?}");
    }
    for m in [&COVERED, &SEEN] {
        assert!(m.stumps.iter().all(|&(f, ..)| usize::from(f) < FEATURES));
    }
}
