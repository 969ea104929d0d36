//! How far the answer assessor agrees with an expert: the labelled answers of `eval/answers/`
//! (four kinds per drill, every key point labelled covered, partly or missed), read by the
//! assessor and by the old keyword check in one run, scored on the same figures. `make eval`
//! prints them (docs/ASSESSOR.md says what they mean); nothing here is tuned on the test half.
use crate::domain::agreement::{krippendorff_alpha, Level};
use crate::domain::library::KeyPoint;
use crate::domain::practice::Mark;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

mod report;
pub use report::{report, to_json};

/// The four kinds of answer the corpus holds for every drill.
pub const KINDS: [&str; 4] = ["strong", "partial", "stuffed", "wrong"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    scenario: String,
    split: String,
    answers: Vec<AnswerToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerToml {
    kind: String,
    text: String,
    labels: BTreeMap<String, String>,
}

/// One labelled answer.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub scenario: String,
    pub split: String,
    pub kind: String,
    pub text: String,
    /// key point -> the expert's mark
    pub labels: BTreeMap<String, Mark>,
}

/// Every labelled answer under `dir`, checked against the drills' key points: every key point
/// labelled, no other, every mark one of the three. Every problem is listed.
pub fn load(dir: &Path, drills: &BTreeMap<String, Drill>) -> Result<Vec<Labelled>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{shown}: {e}"))?;
        let file: FileToml = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{shown}: {}", e.message()));
                continue;
            }
        };
        let Some(drill) = drills.get(&file.scenario) else {
            problems.push(format!(
                "{shown}: no drill has the slug \"{}\"",
                file.scenario
            ));
            continue;
        };
        if !matches!(file.split.as_str(), "dev" | "test") {
            problems.push(format!("{shown}: split is \"dev\" or \"test\""));
        }
        for (i, a) in file.answers.into_iter().enumerate() {
            if !KINDS.contains(&a.kind.as_str()) {
                problems.push(format!(
                    "{shown}: answer {}: unknown kind \"{}\"",
                    i + 1,
                    a.kind
                ));
            }
            let mut labels = BTreeMap::new();
            for (key, mark) in &a.labels {
                match Mark::parse(mark) {
                    Some(m) => {
                        labels.insert(key.clone(), m);
                    }
                    None => problems.push(format!(
                        "{shown}: answer {}: \"{mark}\" is not covered, partly or missed",
                        i + 1
                    )),
                }
            }
            let expected: Vec<&str> = drill.key_points.iter().map(|k| k.key.as_str()).collect();
            let given: Vec<&str> = a.labels.keys().map(String::as_str).collect();
            let mut sorted = expected.clone();
            sorted.sort_unstable();
            if given != sorted {
                problems.push(format!(
                    "{shown}: answer {} ({}) labels {:?}; the drill's key points are {:?}",
                    i + 1,
                    a.kind,
                    given,
                    expected
                ));
            }
            out.push(Labelled {
                scenario: file.scenario.clone(),
                split: file.split.clone(),
                kind: a.kind,
                text: a.text,
                labels,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

/// What the assessor reads a drill's answers against.
#[derive(Clone, Debug)]
pub struct Drill {
    pub prompt: String,
    pub key_points: Vec<KeyPoint>,
}

/// A method under evaluation: reads one answer, says a mark per key point, in order.
pub type Method<'a> = &'a dyn Fn(&str, &Drill) -> Vec<Mark>;

/// Agreement of one method with the labels over a set of (answer, key point) pairs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    pub answers: usize,
    pub pairs: usize,
    /// "covered" as the positive class
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// the same with partly counted as half, on both sides
    pub soft_precision: f64,
    pub soft_recall: f64,
    pub soft_f1: f64,
    /// confusion[label][machine], in the order covered, partly, missed
    pub confusion: [[usize; 3]; 3],
    /// Krippendorff's alpha (ordinal) between the machine and the labels
    pub alpha: Option<f64>,
    /// machine "covered" where the label is not, per answer
    pub false_covered_per_answer: f64,
    /// of the pairs labelled missed, the share the machine calls covered
    pub missed_called_covered: f64,
}

fn index(m: Mark) -> usize {
    match m {
        Mark::Covered => 0,
        Mark::Partly => 1,
        Mark::Missed => 2,
    }
}

fn value(m: Mark) -> f64 {
    match m {
        Mark::Covered => 3.0,
        Mark::Partly => 2.0,
        Mark::Missed => 1.0,
    }
}

fn credit(m: Mark) -> f64 {
    match m {
        Mark::Covered => 1.0,
        Mark::Partly => 0.5,
        Mark::Missed => 0.0,
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// Score (label, machine) pairs from `answers` answers.
pub fn score(pairs: &[(Mark, Mark)], answers: usize) -> Scores {
    let mut s = Scores {
        answers,
        pairs: pairs.len(),
        ..Scores::default()
    };
    let (mut tp, mut pos_machine, mut pos_label) = (0.0, 0.0, 0.0);
    let (mut soft_tp, mut soft_machine, mut soft_label) = (0.0, 0.0, 0.0);
    let mut false_covered = 0;
    let (mut missed, mut missed_covered) = (0, 0);
    for &(label, machine) in pairs {
        s.confusion[index(label)][index(machine)] += 1;
        let (l, m) = (label == Mark::Covered, machine == Mark::Covered);
        tp += f64::from(u8::from(l && m));
        pos_machine += f64::from(u8::from(m));
        pos_label += f64::from(u8::from(l));
        soft_tp += credit(label).min(credit(machine));
        soft_machine += credit(machine);
        soft_label += credit(label);
        false_covered += usize::from(m && !l);
        if label == Mark::Missed {
            missed += 1;
            missed_covered += usize::from(m);
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    s.precision = ratio(tp, pos_machine);
    s.recall = ratio(tp, pos_label);
    s.f1 = f1(s.precision, s.recall);
    s.soft_precision = ratio(soft_tp, soft_machine);
    s.soft_recall = ratio(soft_tp, soft_label);
    s.soft_f1 = f1(s.soft_precision, s.soft_recall);
    let units: Vec<Vec<Option<f64>>> = pairs
        .iter()
        .map(|&(l, m)| vec![Some(value(l)), Some(value(m))])
        .collect();
    s.alpha = krippendorff_alpha(&units, Level::Ordinal);
    s.false_covered_per_answer = ratio(false_covered as f64, answers as f64);
    s.missed_called_covered = ratio(missed_covered as f64, missed as f64);
    s
}

/// One method's figures: overall and per kind, and how long one answer took.
#[derive(Clone, Debug, Serialize)]
pub struct MethodReport {
    pub method: String,
    pub overall: Scores,
    pub by_kind: BTreeMap<String, Scores>,
    /// milliseconds per answer: p50, p95, max
    pub ms_p50: f64,
    pub ms_p95: f64,
    pub ms_max: f64,
}

/// Run `method` on `answers` (already filtered to a split).
pub fn run(
    name: &str,
    method: Method<'_>,
    answers: &[&Labelled],
    drills: &BTreeMap<String, Drill>,
) -> MethodReport {
    let mut all = Vec::new();
    let mut by_kind: BTreeMap<String, (Vec<(Mark, Mark)>, usize)> = BTreeMap::new();
    let mut times = Vec::new();
    for a in answers {
        let drill = &drills[&a.scenario];
        let started = Instant::now();
        let marks = method(&a.text, drill);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let entry = by_kind.entry(a.kind.clone()).or_default();
        entry.1 += 1;
        for (kp, machine) in drill.key_points.iter().zip(marks) {
            if let Some(&label) = a.labels.get(&kp.key) {
                all.push((label, machine));
                entry.0.push((label, machine));
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    MethodReport {
        method: name.to_string(),
        overall: score(&all, answers.len()),
        by_kind: by_kind
            .into_iter()
            .map(|(k, (pairs, n))| (k, score(&pairs, n)))
            .collect(),
        ms_p50: at(0.5),
        ms_p95: at(0.95),
        ms_max: times.last().copied().unwrap_or_default(),
    }
}

/// The drills of a content set, by slug, as the evaluation reads them.
pub fn drills(content: &super::content::ContentSet) -> BTreeMap<String, Drill> {
    content
        .scenarios
        .iter()
        .map(|s| {
            (
                s.slug.to_string(),
                Drill {
                    prompt: s.prompt.clone(),
                    key_points: s
                        .key_points
                        .iter()
                        .map(|k| KeyPoint {
                            key: k.key.to_string(),
                            label: k.label.clone(),
                            synonyms: k.synonyms.clone(),
                        })
                        .collect(),
                },
            )
        })
        .collect()
}

/// Both methods on both halves of the corpus.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub answers: usize,
    pub drills: usize,
    /// split -> the assessor's and the baseline's figures
    pub splits: BTreeMap<String, Vec<MethodReport>>,
    /// the method and version the assessor ran with
    pub assessor: String,
}

/// The targets of issue 15, on the test half: (what, the figure, the target, met).
pub fn targets(e: &Evaluation) -> Vec<(String, f64, String, bool)> {
    let Some(test) = e.splits.get("test").and_then(|m| m.first()) else {
        return Vec::new();
    };
    let kind = |k: &str| test.by_kind.get(k).cloned().unwrap_or_default();
    vec![
        (
            "F1 of \"covered\", overall".into(),
            test.overall.f1,
            ">= 0.85".into(),
            test.overall.f1 >= 0.85,
        ),
        (
            "false \"covered\" per keyword-stuffed answer".into(),
            kind("stuffed").false_covered_per_answer,
            "<= 0.5".into(),
            kind("stuffed").false_covered_per_answer <= 0.5,
        ),
        (
            "confidently wrong answers: missed points called covered".into(),
            kind("wrong").missed_called_covered,
            "<= 0.05".into(),
            kind("wrong").missed_called_covered <= 0.05,
        ),
        (
            "Krippendorff's alpha (ordinal) with the labels".into(),
            test.overall.alpha.unwrap_or(f64::NAN),
            ">= 0.70".into(),
            test.overall.alpha.is_some_and(|a| a >= 0.70),
        ),
        (
            "ms per answer, p95".into(),
            test.ms_p95,
            "<= 50".into(),
            test.ms_p95 <= 50.0,
        ),
    ]
}

/// Run the assessor (`assessor`, named `name`) and the keyword check on every labelled answer.
pub fn evaluate(
    content_dir: &Path,
    answers_dir: &Path,
    name: &str,
    assessor: Method<'_>,
    limit: Option<usize>,
) -> Result<Evaluation, String> {
    let content = super::content::load(content_dir).map_err(|e| e.to_string())?;
    let drills = drills(&content);
    let mut answers = load(answers_dir, &drills)?;
    if let Some(n) = limit {
        answers.truncate(n);
    }
    let baseline = |answer: &str, drill: &Drill| -> Vec<Mark> {
        super::coverage::hints(answer, &drill.key_points)
            .into_iter()
            .map(|h| {
                if h.found.is_empty() {
                    Mark::Missed
                } else {
                    Mark::Covered
                }
            })
            .collect()
    };
    let mut splits = BTreeMap::new();
    for split in ["dev", "test"] {
        let part: Vec<&Labelled> = answers.iter().filter(|a| a.split == split).collect();
        if part.is_empty() {
            continue;
        }
        splits.insert(
            split.to_string(),
            vec![
                run(name, assessor, &part, &drills),
                run("keyword check (before)", &baseline, &part, &drills),
            ],
        );
    }
    let mut scenarios: Vec<&str> = answers.iter().map(|a| a.scenario.as_str()).collect();
    scenarios.sort_unstable();
    scenarios.dedup();
    Ok(Evaluation {
        answers: answers.len(),
        drills: scenarios.len(),
        splits,
        assessor: name.to_string(),
    })
}

/// `coach check-answer`'s output: per key point the status, a confidence and the evidence.
pub fn check_answer_json(
    slug: &str,
    answer: &str,
    findings: &[crate::domain::assess::Finding],
) -> String {
    let points: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "key": f.key,
                "label": f.label,
                "status": f.mark.key(),
                "confidence": (f64::from(f.confidence) * 100.0).round() / 100.0,
                "reason": f.reason.text(),
                "evidence": f.evidence.iter().map(|&(s, e)| serde_json::json!({
                    "start": s,
                    "end": e,
                    "text": answer.get(s..e).unwrap_or_default(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "scenario": slug,
        "method": crate::domain::assess::METHOD,
        "key_points": points,
    }))
    .unwrap_or_default()
}

/// Every disagreement with the labels on the dev half, for whoever tunes the assessor: the
/// drill, the kind of answer, the key point, label and machine, and the machine's evidence.
/// (Never the test half: nothing may be tuned on it.)
pub fn explain_dev(
    content_dir: &Path,
    answers_dir: &Path,
    read: &dyn Fn(&str, &Drill) -> Vec<crate::domain::assess::Finding>,
) -> Result<String, String> {
    use std::fmt::Write;
    let content = super::content::load(content_dir).map_err(|e| e.to_string())?;
    let drills = drills(&content);
    let answers = load(answers_dir, &drills)?;
    let mut out = String::new();
    for a in answers.iter().filter(|a| a.split == "dev") {
        let drill = &drills[&a.scenario];
        for f in read(&a.text, drill) {
            let label = a.labels[&f.key];
            if label != f.mark {
                let evidence: Vec<&str> = f
                    .evidence
                    .iter()
                    .filter_map(|&(s, e)| a.text.get(s..e))
                    .collect();
                let _ = writeln!(
                    out,
                    "{} [{}] {}: label {} machine {} ({:?}) {:?}",
                    a.scenario,
                    a.kind,
                    f.key,
                    label.key(),
                    f.mark.key(),
                    f.reason,
                    evidence
                );
            }
        }
    }
    Ok(out)
}

/// The assessor's measurements on every (answer, key point) of the dev half, with the label,
/// as CSV: what `scripts/fit_assessor.py` fits the verdict models on. Never the test half.
pub fn dev_features(
    content_dir: &Path,
    answers_dir: &Path,
    features: &dyn Fn(&str, &Drill) -> Vec<crate::domain::assess::Features>,
) -> Result<String, String> {
    use std::fmt::Write;
    let content = super::content::load(content_dir).map_err(|e| e.to_string())?;
    let drills = drills(&content);
    let answers = load(answers_dir, &drills)?;
    let mut out = String::from(
        "scenario,kind,key,label,stated,fragment,rejected,label_share,synonyms,sentences,substance,stuffed,length,doubt,contrary,breadth\n",
    );
    for a in answers.iter().filter(|a| a.split == "dev") {
        let drill = &drills[&a.scenario];
        for (kp, f) in drill.key_points.iter().zip(features(&a.text, drill)) {
            let x = f.vector();
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                a.scenario,
                a.kind,
                kp.key,
                a.labels[&kp.key].key(),
                // Every digit: the stumps' thresholds are compared with these values exactly.
                x.iter()
                    .map(|v| format!("{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
