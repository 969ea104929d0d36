//! Parsing the two other kinds of content file: an answer framework and the rubric.
use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFront {
    slug: String,
    title: String,
    summary: String,
    order: i64,
}

/// Parse and validate one framework file.
pub fn parse_framework(path: &str, text: &str) -> Result<FrameworkFile, Vec<ContentError>> {
    let doc = split_front_matter(path, text).map_err(|e| vec![e])?;
    let front: FrameworkFront =
        toml::from_str(doc.front).map_err(|e| vec![toml_error(path, FRONT_LINE, doc.front, &e)])?;
    let mut problems = Problems::new(path, doc.front, FRONT_LINE);
    let slug = problems.slug("slug", &front.slug);
    let title = problems.text("title", &front.title, 3, 120);
    let summary = problems.text("summary", &front.summary, 10, 300);
    let body = doc.body.trim().to_string();
    if body.is_empty() {
        problems.at(
            Some(doc.body_line),
            "the page has no text after the front matter",
        );
    }
    let record = slug.map(|slug| FrameworkFile {
        path: path.to_string(),
        hash: sha256_hex(text.as_bytes()),
        slug,
        title,
        summary,
        order: front.order,
        body,
    });
    problems.finish(record)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RubricToml {
    name: String,
    description: String,
    dimensions: Vec<DimensionToml>,
    recommendations: Vec<RecommendationToml>,
    #[serde(default)]
    recommendation_rule: Option<RuleToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    text: String,
    bar: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DimensionToml {
    key: String,
    name: String,
    description: String,
    levels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecommendationToml {
    key: String,
    label: String,
    description: String,
}

/// Parse and validate the rubric.
pub fn parse_rubric(path: &str, text: &str) -> Result<RubricFile, Vec<ContentError>> {
    let raw: RubricToml = toml::from_str(text).map_err(|e| vec![toml_error(path, 1, text, &e)])?;
    let mut problems = Problems::new(path, text, 1);
    let name = problems.text("name", &raw.name, 3, 120);
    let description = problems.text("description", &raw.description, 0, 2000);
    if !(3..=12).contains(&raw.dimensions.len()) {
        problems.at(
            None,
            format!(
                "a rubric needs 3 to 12 [[dimensions]], not {}",
                raw.dimensions.len()
            ),
        );
    }
    let mut keys = HashSet::new();
    let mut dimensions = Vec::new();
    for d in &raw.dimensions {
        let line = problems.line_of(&format!("key = \"{}\"", d.key), 0);
        if let Err(e) = Slug::parse(&d.key) {
            problems.at(line, format!("dimension key: {e}"));
        }
        if !keys.insert(d.key.as_str()) {
            problems.at(line, format!("duplicate dimension key \"{}\"", d.key));
        }
        let level_keys: Vec<&str> = d.levels.keys().map(String::as_str).collect();
        let level = |n: &str| {
            d.levels
                .get(n)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let levels = [level("1"), level("2"), level("3"), level("4")];
        if level_keys != ["1", "2", "3", "4"] || levels.iter().any(String::is_empty) {
            problems.at(
                line,
                format!(
                    "dimension \"{}\": [dimensions.levels] needs a description for each of 1, 2, 3 and 4 (found: {})",
                    d.key,
                    level_keys.join(", ")
                ),
            );
        }
        if d.name.trim().is_empty() || d.description.trim().is_empty() {
            problems.at(
                line,
                format!("dimension \"{}\": name and description are required", d.key),
            );
        }
        dimensions.push(RubricDimension {
            key: d.key.clone(),
            name: d.name.trim().to_string(),
            description: d.description.trim().to_string(),
            levels,
        });
    }
    if raw.recommendations.len() < 2 {
        problems.at(None, "the rubric needs at least two [[recommendations]]");
    }
    let mut rec_keys = HashSet::new();
    for r in &raw.recommendations {
        let line = problems.line_of(&format!("key = \"{}\"", r.key), 0);
        let valid = (1..=40).contains(&r.key.len())
            && r.key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid || !rec_keys.insert(r.key.as_str()) {
            problems.at(
                line,
                format!("recommendation key \"{}\" is invalid or repeated", r.key),
            );
        }
    }
    let recommendations = raw
        .recommendations
        .iter()
        .map(|r| Recommendation {
            key: r.key.clone(),
            label: r.label.trim().to_string(),
            description: r.description.trim().to_string(),
        })
        .collect();
    let rule = raw.recommendation_rule.as_ref().map(|r| {
        let line = problems.line_of("[recommendation_rule", 0);
        let text = r.text.trim().to_string();
        if text.is_empty() {
            problems.at(
                line,
                "`recommendation_rule.text` must say the rule in words",
            );
        }
        let mut bars = Vec::new();
        for level in Level::ALL {
            match r.bar.get(level.key()) {
                Some(bar) if (1.0..=4.0).contains(bar) => {
                    bars.push((level, (bar * 100.0).round() as u16));
                }
                _ => problems.at(
                    line,
                    format!(
                        "[recommendation_rule.bar] needs `{} = <mean score from 1 to 4>`",
                        level.key()
                    ),
                ),
            }
        }
        for key in r.bar.keys() {
            if Level::parse(key).is_err() {
                problems.at(
                    line,
                    format!("[recommendation_rule.bar]: unknown level `{key}`"),
                );
            }
        }
        RecommendationRule { text, bars }
    });
    let record = RubricFile {
        path: path.to_string(),
        hash: sha256_hex(text.as_bytes()),
        name,
        description,
        dimensions,
        recommendations,
        rule,
    };
    problems.finish(Some(record))
}
