//! Putting a candidate's practice together: the dashboard (what is due, what next, weakest
//! dimensions), the history (series, progress per topic), and the CSV export.
use super::db::{self, history, practice as store};
use crate::domain::error::AppError;
use crate::domain::number::fixed;
use crate::domain::practice::{
    mean, Dashboard, DimensionMean, DimensionSeries, DueScenario, History, HistoryFilter, NextPick,
    TopicProgress,
};
use crate::domain::taxonomy::Topic;
use crate::server::db::Pool;
use std::collections::HashMap;

/// How many of the latest scored attempts the weakest dimensions are judged on.
const RECENT_FOR_WEAKEST: usize = 10;

pub async fn dashboard(pool: &Pool, user_id: i64, now: i64) -> Result<Dashboard, AppError> {
    // Independent reads, side by side on the pool's connections (as the history page's).
    let everything = HistoryFilter::default();
    let (scenarios, progress, rubric, scores, in_progress, recent, attempted) = tokio::try_join!(
        async {
            store::schedulable(pool, user_id)
                .await
                .map_err(AppError::from)
        },
        progress(pool, user_id),
        async { db::rubric::current(pool).await.map_err(AppError::from) },
        async {
            history::self_scores(pool, user_id)
                .await
                .map_err(AppError::from)
        },
        async {
            history::rows(pool, user_id, &everything, Some(true), 20)
                .await
                .map_err(AppError::from)
        },
        async {
            history::rows(pool, user_id, &everything, Some(false), 5)
                .await
                .map_err(AppError::from)
        },
        async {
            history::attempted_count(pool, user_id)
                .await
                .map_err(AppError::from)
        },
    )?;
    let mut due: Vec<DueScenario> = scenarios
        .iter()
        .filter_map(|s| {
            s.due_at.filter(|d| *d <= now).map(|due_at| DueScenario {
                slug: s.slug.clone(),
                title: s.title.clone(),
                due_at,
            })
        })
        .collect();
    due.sort_by_key(|d| d.due_at);
    let next = pick_next(&scenarios, &progress, now);
    let weakest = weakest(&scores, rubric.as_ref().map(|r| r.dimensions.as_slice()));
    Ok(Dashboard {
        now,
        due,
        next,
        in_progress,
        weakest,
        attempted,
        total: scenarios.len() as i64,
        recent,
    })
}

/// What "Practise next" starts: the most overdue scenario; else one never tried, from the topic
/// least explored; else the one due soonest.
fn pick_next(
    scenarios: &[store::Schedulable],
    progress: &[TopicProgress],
    now: i64,
) -> Option<NextPick> {
    let pick = |s: &store::Schedulable, reason: String| NextPick {
        slug: s.slug.clone(),
        title: s.title.clone(),
        version: s.version,
        reason,
    };
    if let Some(s) = scenarios
        .iter()
        .filter(|s| s.due_at.is_some_and(|d| d <= now))
        .min_by_key(|s| s.due_at)
    {
        return Some(pick(s, "It is due for review.".into()));
    }
    let explored = |t: &Topic| {
        progress
            .iter()
            .find(|p| p.topic == *t)
            .map(|p| p.attempted as f64 / p.total.max(1) as f64)
            .unwrap_or(0.0)
    };
    let fresh = scenarios
        .iter()
        .filter(|s| !s.attempted && s.due_at.is_none())
        .map(|s| {
            let topics = db::scenarios::topics(s.topics.as_deref().unwrap_or_default());
            let least = topics
                .iter()
                .copied()
                .min_by(|a, b| explored(a).total_cmp(&explored(b)));
            (s, least, least.map(|t| explored(&t)).unwrap_or(0.0))
        })
        .min_by(|a, b| a.2.total_cmp(&b.2));
    if let Some((s, topic, _)) = fresh {
        let reason = match topic {
            Some(t) => format!(
                "You have not tried it yet, and {} is your least explored topic.",
                t.label()
            ),
            None => "You have not tried it yet.".into(),
        };
        return Some(pick(s, reason));
    }
    scenarios
        .iter()
        .filter(|s| s.due_at.is_some())
        .min_by_key(|s| s.due_at)
        .map(|s| pick(s, "Nothing is due; this one comes up soonest.".into()))
}

/// Dimensions by mean self-score over the latest scored attempts, weakest first (three).
fn weakest(
    scores: &[(i64, i64, String, i64)],
    dimensions: Option<&[crate::domain::library::RubricDimension]>,
) -> Vec<DimensionMean> {
    let mut attempts: Vec<i64> = scores.iter().map(|s| s.0).collect();
    attempts.dedup();
    let recent: Vec<i64> = attempts
        .iter()
        .rev()
        .take(RECENT_FOR_WEAKEST)
        .copied()
        .collect();
    let Some(dimensions) = dimensions else {
        return vec![];
    };
    let mut means: Vec<DimensionMean> = dimensions
        .iter()
        .filter_map(|d| {
            let values: Vec<f64> = scores
                .iter()
                .filter(|s| s.2 == d.key && recent.contains(&s.0))
                .map(|s| s.3 as f64)
                .collect();
            (!values.is_empty()).then(|| DimensionMean {
                key: d.key.clone(),
                name: d.name.clone(),
                mean: mean(values.iter().copied()),
                count: values.len() as i64,
            })
        })
        .collect();
    means.sort_by(|a, b| a.mean.total_cmp(&b.mean));
    means.truncate(3);
    means
}

async fn progress(pool: &Pool, user_id: i64) -> Result<Vec<TopicProgress>, AppError> {
    // One after the other: its callers already run it beside their other reads, and the pool
    // has eight connections for everyone.
    let totals = db::scenarios::count_by_topic(pool, db::scenarios::Viewer(Some(user_id))).await?;
    let attempted: HashMap<String, i64> = history::attempted_by_topic(pool, user_id)
        .await?
        .into_iter()
        .collect();
    let scored = history::scored_by_scenario(pool, user_id).await?;
    // The latest self-score of each scenario counts towards its topics' mastery.
    let mut latest: HashMap<i64, (Vec<Topic>, f64)> = HashMap::new();
    for (scenario, topics, m) in scored {
        latest.insert(
            scenario,
            (
                db::scenarios::topics(topics.as_deref().unwrap_or_default()),
                m,
            ),
        );
    }
    Ok(totals
        .into_iter()
        .map(|(topic, total)| {
            let means: Vec<f64> = latest
                .values()
                .filter(|(t, _)| t.contains(&topic))
                .map(|(_, m)| *m)
                .collect();
            TopicProgress {
                topic,
                attempted: attempted.get(topic.key()).copied().unwrap_or(0),
                total,
                mastery: (!means.is_empty()).then(|| mean(means.into_iter())),
            }
        })
        .collect())
}

pub async fn history(
    pool: &Pool,
    user_id: i64,
    filter: HistoryFilter,
) -> Result<History, AppError> {
    // The reads are independent: run them side by side on the pool's connections (WAL lets
    // readers share the database), so the page waits for the slowest, not for their sum.
    let everything = HistoryFilter::default();
    let (rubric, scores, interviewer, progress, all, attempted, total, agreement) = tokio::try_join!(
        async { db::rubric::current(pool).await.map_err(AppError::from) },
        async {
            history::self_scores(pool, user_id)
                .await
                .map_err(AppError::from)
        },
        async {
            history::shared_interviewer_scores(pool, user_id)
                .await
                .map_err(AppError::from)
        },
        progress(pool, user_id),
        async {
            history::rows(pool, user_id, &everything, None, 10_000)
                .await
                .map_err(AppError::from)
        },
        async {
            history::attempted_count(pool, user_id)
                .await
                .map_err(AppError::from)
        },
        async {
            db::scenarios::count(pool, db::scenarios::Viewer(Some(user_id)))
                .await
                .map_err(AppError::from)
        },
        async {
            db::assessments::agreement(pool, user_id)
                .await
                .map_err(AppError::from)
        },
    )?;
    let series = rubric
        .iter()
        .flat_map(|r| r.dimensions.iter())
        .map(|d| DimensionSeries {
            key: d.key.clone(),
            name: d.name.clone(),
            points: scores
                .iter()
                .filter(|s| s.2 == d.key)
                .map(|s| (s.0, s.1, s.3))
                .collect(),
            interviewer_points: interviewer
                .iter()
                .filter(|s| s.2 == d.key)
                .map(|s| (s.0, s.1, s.3))
                .collect(),
        })
        .collect();
    let mut scenarios: Vec<(String, String)> = all
        .iter()
        .map(|r| (r.scenario.slug.clone(), r.scenario.title.clone()))
        .collect();
    scenarios.sort();
    scenarios.dedup_by(|a, b| a.0 == b.0);
    let attempts = if filter == HistoryFilter::default() {
        all
    } else {
        history::rows(pool, user_id, &filter, None, 10_000).await?
    };
    Ok(History {
        series,
        attempted,
        total,
        progress,
        attempts,
        scenarios,
        filter,
        assessor_agreement: agreement,
    })
}

/// The candidate's attempts as CSV: one row per attempt, one column per rubric dimension.
pub async fn export_csv(pool: &Pool, user_id: i64) -> Result<String, AppError> {
    let rubric = db::rubric::current(pool).await?;
    let dims: Vec<String> = rubric
        .iter()
        .flat_map(|r| r.dimensions.iter().map(|d| d.key.clone()))
        .collect();
    let rows = store::export_rows(pool, user_id).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "attempt_id",
        "scenario",
        "title",
        "version",
        "mode",
        "started_at",
        "submitted_at",
        "duration_seconds",
        "time_limit_minutes",
        "self_mean",
        "interviewer_mean",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    header.extend(dims.iter().map(|d| format!("self_{d}")));
    header.extend(["covered", "partly", "missed", "answer"].map(String::from));
    out.write_record(&header).map_err(AppError::internal)?;
    for r in rows {
        let cards = store::scorecards(pool, r.id, true).await?;
        let own = cards
            .iter()
            .find(|c| c.kind == crate::domain::practice::ScorerKind::SelfScore);
        let interviewer: Vec<f64> = cards
            .iter()
            .filter(|c| c.kind == crate::domain::practice::ScorerKind::Interviewer)
            .map(|c| c.mean())
            .collect();
        let count = |m: crate::domain::practice::Mark| {
            own.map(|c| c.marks.iter().filter(|(_, x)| *x == m).count().to_string())
                .unwrap_or_default()
        };
        let mut record = vec![
            r.id.to_string(),
            r.slug,
            r.title,
            r.version.to_string(),
            r.mode,
            iso(r.started_at),
            r.submitted_at.map(iso).unwrap_or_default(),
            r.duration_ms
                .map(|d| (d / 1000).to_string())
                .unwrap_or_default(),
            r.time_limit_s
                .map(|s| (s / 60).to_string())
                .unwrap_or_default(),
            own.map(|c| fixed(c.mean(), 2)).unwrap_or_default(),
            if interviewer.is_empty() {
                String::new()
            } else {
                fixed(mean(interviewer.into_iter()), 2)
            },
        ];
        record.extend(dims.iter().map(|d| {
            own.and_then(|c| c.score(d))
                .map(|s| s.to_string())
                .unwrap_or_default()
        }));
        use crate::domain::practice::Mark;
        record.extend([
            count(Mark::Covered),
            count(Mark::Partly),
            count(Mark::Missed),
        ]);
        record.push(r.answer_md);
        out.write_record(record.iter().map(|c| defuse(c)))
            .map_err(AppError::internal)?;
    }
    let bytes = out.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).
pub(crate) fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The assessor's reading of `text`, on a blocking thread: a long answer is milliseconds of CPU
/// that must not hold one of the few async workers every other request needs.
pub async fn assess(
    text: String,
    prompt: String,
    key_points: Vec<crate::domain::library::KeyPoint>,
) -> Result<Vec<crate::domain::assess::Finding>, AppError> {
    tokio::task::spawn_blocking(move || crate::domain::assess::assess(&text, &prompt, &key_points))
        .await
        .map_err(|e| AppError::internal(format!("the assessor stopped: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_in_csv() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("plain"), "plain");
    }

    #[test]
    fn timestamps_export_as_utc_iso() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    }
}
