//! The library lint: what every file in `content/` must meet beyond the format a team's own
//! scenarios meet (`make check-content` runs it; the content README lists the rules).
//!
//! The format (parse.rs) says whether a file can be loaded at all; the lint says whether a
//! built-in drill is finished: it declares what it does not exercise, has both example answers,
//! names the versions its commands were checked against, probes every key point, and has
//! synonyms that are evidence rather than topic words.
use super::files::{ContentError, ContentSet, ScenarioFile};
use crate::domain::assess::text::{content_words, tokens};
use crate::domain::library::SectionKind;
use std::collections::{HashMap, HashSet};

/// Single words too generic to be evidence of any one key point. Kept in step with the list in
/// content/README.md.
pub const STOP_LIST: &[&str] = &[
    "access",
    "accuracy",
    "alert",
    "alerting",
    "alerts",
    "analysis",
    "automation",
    "cache",
    "canary",
    "cause",
    "check",
    "checks",
    "communicate",
    "communication",
    "compare",
    "config",
    "cost",
    "costs",
    "cpu",
    "dashboard",
    "dashboards",
    "data",
    "debug",
    "deploy",
    "deployment",
    "document",
    "documentation",
    "drift",
    "error",
    "errors",
    "evaluate",
    "evaluation",
    "feature",
    "features",
    "fix",
    "gpu",
    "impact",
    "improve",
    "incident",
    "investigate",
    "issue",
    "job",
    "jobs",
    "label",
    "labels",
    "lag",
    "latency",
    "log",
    "logging",
    "logs",
    "memory",
    "metric",
    "metrics",
    "model",
    "models",
    "monitor",
    "monitoring",
    "null",
    "nulls",
    "observability",
    "owner",
    "ownership",
    "performance",
    "pipeline",
    "policy",
    "problem",
    "process",
    "quality",
    "release",
    "retrain",
    "retraining",
    "review",
    "risk",
    "rollout",
    "root",
    "scale",
    "scaling",
    "service",
    "team",
    "test",
    "testing",
    "tests",
    "timeout",
    "timeouts",
    "tooling",
    "traffic",
    "users",
    "validate",
    "validation",
    "verify",
    "version",
    "versions",
];

/// Tools whose command lines change between releases: a drill that shows their commands says
/// which version it checked them against.
pub const FAST_MOVING_TOOLS: &[&str] = &["kubectl", "mlflow", "vllm", "ray", "kafka", "flink"];

/// Words a synonym may have.
const MAX_SYNONYM_WORDS: usize = 6;
/// Words an example answer may have: (section, fewest, most).
const EXAMPLE_WORDS: [(SectionKind, usize, usize); 2] = [
    (SectionKind::ExampleLevel2, 60, 300),
    (SectionKind::ExampleLevel4, 150, 500),
];

/// Every lint problem of the library, with file and line where one can be found.
pub fn lint(set: &ContentSet, source: impl Fn(&str) -> Option<String>) -> Vec<ContentError> {
    let dimensions: HashSet<&str> = set
        .rubric
        .dimensions
        .iter()
        .map(|d| d.key.as_str())
        .collect();
    let mut out = Vec::new();
    rubric(set, &mut out);
    for file in &set.scenarios {
        let text = source(&file.path).unwrap_or_default();
        let mut found = Found {
            file,
            text: &text,
            out: &mut out,
        };
        found.not_applicable(&dimensions);
        found.examples();
        found.checked_with();
        found.probes();
        found.synonyms();
        found.assessor();
    }
    out
}

/// The rubric states its recommendation rule, over exactly the four recommendations the rule
/// chooses between.
fn rubric(set: &ContentSet, out: &mut Vec<ContentError>) {
    use crate::domain::library::RECOMMENDATION_KEYS;
    let r = &set.rubric;
    if r.rule.is_none() {
        out.push(ContentError::new(
            &r.path,
            None,
            "[recommendation_rule] is missing: say in words how dimension scores combine into the recommendation, and give the bar per level",
        ));
    }
    let keys: Vec<&str> = r.recommendations.iter().map(|x| x.key.as_str()).collect();
    if keys != RECOMMENDATION_KEYS {
        out.push(ContentError::new(
            &r.path,
            None,
            format!(
                "the recommendations must be exactly {} in that order (the rule chooses between them), not {}",
                RECOMMENDATION_KEYS.join(", "),
                keys.join(", ")
            ),
        ));
    }
}

/// The lint of one file, reporting into the shared list.
struct Found<'a> {
    file: &'a ScenarioFile,
    text: &'a str,
    out: &'a mut Vec<ContentError>,
}

impl Found<'_> {
    /// Line of the first line containing `needle` (1-based), if any.
    fn line_of(&self, needle: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
    }

    fn at(&mut self, line: Option<usize>, message: String) {
        self.out
            .push(ContentError::new(&self.file.path, line, message));
    }

    fn not_applicable(&mut self, dimensions: &HashSet<&str>) {
        match &self.file.not_applicable {
            None => self.at(
                Some(2),
                "field `not_applicable` is missing: list the rubric dimensions this drill does not exercise, or write `not_applicable = []`".into(),
            ),
            Some(keys) => {
                for key in keys {
                    if !dimensions.contains(key.as_str()) {
                        let mut known: Vec<&str> = dimensions.iter().copied().collect();
                        known.sort_unstable();
                        let line = self.line_of("not_applicable");
                        self.at(
                            line,
                            format!(
                                "field `not_applicable`: \"{key}\" is not a dimension of the rubric ({})",
                                known.join(", ")
                            ),
                        );
                    }
                }
                if keys.len() * 2 > dimensions.len() {
                    let line = self.line_of("not_applicable");
                    self.at(
                        line,
                        "field `not_applicable`: a drill must exercise at least half of the rubric".into(),
                    );
                }
            }
        }
    }

    fn examples(&mut self) {
        for (kind, fewest, most) in EXAMPLE_WORDS {
            let heading = format!("## {}", kind.heading());
            match self.file.sections.iter().find(|(k, _)| *k == kind) {
                None => self.at(None, format!("missing section \"{heading}\"")),
                Some((_, body)) => {
                    let words = body.split_whitespace().count();
                    if !(fewest..=most).contains(&words) {
                        let line = self.line_of(&heading);
                        self.at(
                            line,
                            format!(
                                "section \"{}\" has {words} words; write {fewest} to {most}",
                                kind.heading()
                            ),
                        );
                    }
                }
            }
        }
    }

    fn checked_with(&mut self) {
        let Some((_, commands)) = self
            .file
            .sections
            .iter()
            .find(|(k, _)| *k == SectionKind::Commands)
        else {
            return;
        };
        let used: HashSet<&str> = code_spans(commands)
            .iter()
            .flat_map(|code| {
                code.split(|c: char| !c.is_ascii_alphanumeric())
                    .map(str::to_ascii_lowercase)
                    .collect::<Vec<_>>()
            })
            .filter_map(|w| FAST_MOVING_TOOLS.iter().copied().find(|t| *t == w))
            .collect();
        let mut missing: Vec<&str> = used
            .into_iter()
            .filter(|tool| !self.file.checked_with.iter().any(|(t, _)| t == tool))
            .collect();
        missing.sort_unstable();
        for tool in missing {
            let line = self.line_of("## Commands and checks");
            self.at(
                line,
                format!(
                    "the commands use {tool}: add `{tool} = \"<version>\"` under [checked_with], the version they were checked against"
                ),
            );
        }
    }

    fn probes(&mut self) {
        let probed: HashSet<&str> = self
            .file
            .follow_ups
            .iter()
            .flat_map(|f| f.probes.iter().map(String::as_str))
            .collect();
        for kp in &self.file.key_points {
            if !probed.contains(kp.key.as_str()) {
                let line = self.line_of(&format!("\"{}\"", kp.key));
                self.at(
                    line,
                    format!(
                        "key point \"{}\" is probed by no follow-up question: end a question that tests it with [probes: {}]",
                        kp.key, kp.key
                    ),
                );
            }
        }
    }

    fn synonyms(&mut self) {
        let prompt: HashSet<String> = tokens(&self.file.prompt)
            .into_iter()
            .map(|t| t.norm)
            .collect();
        // normalised synonym -> the key point that has it
        let mut owners: HashMap<Vec<String>, &str> = HashMap::new();
        for kp in &self.file.key_points {
            for synonym in &kp.synonyms {
                let words = content_words(synonym);
                let raw_words = synonym.split_whitespace().count();
                let line = self.line_of(&format!("\"{synonym}\""));
                let problem = if words.is_empty() {
                    Some("has no content word".to_string())
                } else if raw_words > MAX_SYNONYM_WORDS {
                    Some(format!(
                        "has {raw_words} words; at most {MAX_SYNONYM_WORDS}"
                    ))
                } else if raw_words == 1 && STOP_LIST.contains(&synonym.to_lowercase().as_str()) {
                    Some(
                        "is a single generic word (on the stop-list): write the phrase a candidate would use for this point".into(),
                    )
                } else if words.iter().all(|w| prompt.contains(w)) {
                    Some(
                        "occurs in the drill's Prompt, so restating the question would earn it"
                            .into(),
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    self.at(
                        line,
                        format!("key point \"{}\": synonym \"{synonym}\" {problem}", kp.key),
                    );
                }
                if let Some(other) = owners.insert(words, kp.key.as_str()) {
                    if other != kp.key.as_str() {
                        self.at(
                            line,
                            format!(
                                "synonym \"{synonym}\" belongs to two key points, \"{other}\" and \"{}\": keep it for one",
                                kp.key
                            ),
                        );
                    }
                }
            }
        }
    }
}

impl Found<'_> {
    /// The assessor's own checks: the Prompt alone covers no key point (restating the question
    /// must earn nothing), and "What a strong answer covers" covers at least 80% of them (the
    /// key points must be recognisable when said).
    fn assessor(&mut self) {
        use crate::domain::assess::assess;
        use crate::domain::library::KeyPoint;
        use crate::domain::practice::Mark;
        let points: Vec<KeyPoint> = self
            .file
            .key_points
            .iter()
            .map(|k| KeyPoint {
                key: k.key.to_string(),
                label: k.label.clone(),
                synonyms: k.synonyms.clone(),
            })
            .collect();
        let prompt = &self.file.prompt;
        for f in assess(prompt, prompt, &points) {
            if f.mark == Mark::Covered {
                let line = self.line_of("## Prompt");
                self.at(
                    line,
                    format!(
                        "the Prompt alone covers key point \"{}\": restating the question would earn it (reword the Prompt or the synonyms)",
                        f.key
                    ),
                );
            }
        }
        let Some((_, strong)) = self
            .file
            .sections
            .iter()
            .find(|(k, _)| *k == SectionKind::StrongAnswer)
        else {
            return;
        };
        let findings = assess(strong, prompt, &points);
        let missed: Vec<&str> = findings
            .iter()
            .filter(|f| f.mark != Mark::Covered)
            .map(|f| f.key.as_str())
            .collect();
        if missed.len() * 5 > points.len() {
            let line = self.line_of("## What a strong answer covers");
            self.at(
                line,
                format!(
                    "\"What a strong answer covers\" covers only {} of {} key points by the assessor's reading; not covered: {} (say each point there, or give it the synonyms a good answer uses)",
                    points.len() - missed.len(),
                    points.len(),
                    missed.join(", ")
                ),
            );
        }
    }
}

/// The code in a Markdown text: inline `spans` and fenced blocks.
fn code_spans(markdown: &str) -> Vec<String> {
    let mut spans = Vec::new();
    let mut in_fence = false;
    let mut fence = String::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                spans.push(std::mem::take(&mut fence));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            fence.push_str(line);
            fence.push('\n');
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let Some(code) = parts.next() {
            spans.push(code.to_string());
            parts.next();
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_are_found_inline_and_fenced() {
        let md = "- run `kubectl get pods` then `mlflow runs`\n```\nray status\n```\nplain kafka";
        assert_eq!(
            code_spans(md),
            ["kubectl get pods", "mlflow runs", "ray status\n"]
        );
    }
}
