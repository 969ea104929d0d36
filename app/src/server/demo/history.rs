//! The demo's ten weeks of use, made by the app's own server functions: every attempt,
//! scorecard, session and calibration rating goes through the same HTTP edge, checks and
//! transactions as a person's would, at the time the history says it happened (see
//! [`crate::server::at`]). Deterministic: the same accounts, answers and scores every time.
use crate::api::authoring::SaveScenario;
use crate::api::calibration::{CreateExercise, RevealExercise, SetQualified, SubmitRating};
use crate::api::practice::{SaveAnswer, StartAttempt, SubmitSelfScore};
use crate::api::scorecards::{ShareScorecard, SubmitSessionScorecard};
use crate::api::sessions::{
    CreateSession, EndSession, JoinScreen, MarkKeyPoint, RevealFollowUp, SaveSessionNotes,
};
use crate::domain::taxonomy::Topic;
use crate::server::db::{self, Pool};
use crate::server::state::AppState;
use leptos::server_fn::ServerFn;
use std::collections::BTreeSet;

mod kit;
use kit::{answer, clamp, drills, enc, Client, Dice, Drill, DIMENSIONS};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// How far back the history starts.
const WEEKS: i64 = 10;

/// What was made, for the log line and the tests.
#[derive(Debug, Default)]
pub struct Made {
    pub practice_attempts: usize,
    pub sessions: usize,
    pub exercises: usize,
    pub ratings: usize,
}

/// Make the history. The accounts and team exist (`seed_if_empty`); `now` is the present.
pub async fn make(state: &AppState, now: i64) -> Result<Made, String> {
    let pool = &state.pool;
    let client = Client {
        router: crate::server::http::router(state.clone()),
    };
    // Midnight (UTC) ten weeks ago: the times of day below are what they say.
    let start = (now - WEEKS * 7 * DAY) / DAY * DAY;
    let mut dice = Dice(0x00C0_FFEE);
    let mut made = Made::default();

    let id_of = |email: &'static str| async move {
        db::users::credentials(pool, email)
            .await
            .map_err(|e| e.to_string())?
            .map(|a| a.id)
            .ok_or_else(|| format!("demo history: no account {email}"))
    };
    let cam_id = id_of("candidate1@demo.example").await?;
    let cam = client.sign_in("candidate1@demo.example", start).await?;
    let ira = client.sign_in("interviewer1@demo.example", start).await?;
    let ivo = client.sign_in("interviewer2@demo.example", start).await?;
    let ines = client.sign_in("interviewer3@demo.example", start).await?;
    let lee = client.sign_in("lead@demo.example", start).await?;
    let team = super::team_id(pool).await?;
    let ira_id = id_of("interviewer1@demo.example").await?;

    let all = drills(pool, cam_id).await?;
    // Practice: every topic, in turn, over ten weeks.
    let mut chosen: Vec<&Drill> = Vec::new();
    let mut used = BTreeSet::new();
    'fill: for round in 0..8 {
        for topic in Topic::ALL {
            if chosen.len() >= 28 {
                break 'fill;
            }
            if let Some(d) = all
                .iter()
                .filter(|d| d.topics.first() == Some(&topic) && !used.contains(&d.slug))
                .nth(round % 2)
                .or_else(|| {
                    all.iter()
                        .find(|d| d.topics.contains(&topic) && !used.contains(&d.slug))
                })
            {
                used.insert(d.slug.clone());
                chosen.push(d);
            }
        }
    }
    // A few scenarios come back for a second try later on.
    let again: Vec<&Drill> = chosen.iter().take(4).copied().collect();
    let plan: Vec<&Drill> = chosen.iter().copied().chain(again).collect();
    let n = plan.len() as i64;
    for (i, drill) in plan.iter().enumerate() {
        let i = i as i64;
        // Spread over the ten weeks, at 8:00, 13:00 or 18:00 (UTC).
        let began = start + i * (WEEKS * 7 * DAY - 2 * DAY) / n + (8 + (i % 3) * 5) * HOUR;
        let progress = i as f64 / (n - 1).max(1) as f64;
        let reply = client
            .call(
                StartAttempt::PATH,
                &format!(
                    "slug={}&version={}&time_limit=20",
                    drill.slug, drill.version
                ),
                Some(&cam),
                began,
            )
            .await?;
        let attempt = reply.id_after("/practice/")?;
        // Covers more key points as the weeks go by.
        let k = drill.key_points.len();
        let share = 0.35 + 0.5 * progress;
        let said: Vec<usize> = (0..k)
            .filter(|_| (dice.below(100) as f64) < share * 100.0)
            .collect();
        client
            .call(
                SaveAnswer::PATH,
                &format!(
                    "attempt_id={attempt}&intent=submit&answer={}",
                    enc(&answer(drill, &said))
                ),
                Some(&cam),
                began + 17 * 60_000 + dice.below(4) as i64 * 60_000,
            )
            .await?;
        // Improves at framing and mitigation; root-cause slowly; communication never.
        let mut form = format!("attempt_id={attempt}");
        for dim in drill.dimensions() {
            let score = match dim {
                "framing-triage" | "safe-mitigation" => {
                    2 + (progress * 2.2) as i64 + if dice.below(5) == 0 { -1 } else { 0 }
                }
                "root-cause" => 2 + (progress * 1.4) as i64,
                "communication" => 2 + i64::from(dice.below(6) == 0),
                "tradeoffs" => 2 + dice.below(2) as i64,
                _ => 3 + dice.wobble().min(0),
            };
            form.push_str(&format!("&scores%5B{dim}%5D={}", clamp(score)));
        }
        for (j, kp) in drill.key_points.iter().enumerate() {
            let mark = if said.contains(&j) {
                if dice.below(6) == 0 {
                    "partly"
                } else {
                    "covered"
                }
            } else if dice.below(5) == 0 {
                "partly"
            } else {
                "missed"
            };
            form.push_str(&format!("&marks%5B{}%5D={mark}", kp.key));
        }
        client
            .call(
                SubmitSelfScore::PATH,
                &form,
                Some(&cam),
                began + 26 * 60_000,
            )
            .await?;
        made.practice_attempts += 1;
    }

    // Mock interviews: Ira runs most, Ivo some; Cam twice (scorecards shared with him), Cleo
    // twice, guests the rest; Ivo shadows two of Ira's.
    let people: [(&str, Option<&str>); 9] = [
        ("Pat Guest", None),
        ("", Some("candidate1@demo.example")),
        ("Ravi Guest", None),
        ("", Some("candidate2@demo.example")),
        ("Jo Guest", None),
        ("", Some("candidate1@demo.example")),
        ("", Some("candidate2@demo.example")),
        ("Sam Guest", None),
        ("Mo Guest", None),
    ];
    let mock_drills: Vec<&Drill> = all
        .iter()
        .filter(|d| d.follow_ups > 0 && !d.key_points.is_empty())
        .step_by(3)
        .take(people.len())
        .collect();
    for (s, ((guest, account), drill)) in people.iter().zip(&mock_drills).enumerate() {
        let s_i = s as i64;
        let when = start + 4 * DAY + s_i * 7 * DAY + 14 * HOUR;
        let (host, host_cookie) = if s % 3 == 2 {
            ("ivo", &ivo)
        } else {
            ("ira", &ira)
        };
        let shadowed = host == "ira" && (s == 1 || s == 4);
        let mut form = format!(
            "scenarios%5B0%5D={}&planned_minutes=45&level=senior",
            drill.slug
        );
        match account {
            Some(email) => form.push_str(&format!("&candidate_email={}", enc(email))),
            None => form.push_str(&format!("&guest_name={}", enc(guest))),
        }
        if shadowed {
            form.push_str(&format!(
                "&shadow_email={}",
                enc("interviewer2@demo.example")
            ));
        }
        let session = client
            .call(CreateSession::PATH, &form, Some(host_cookie), when)
            .await?
            .id_after("/sessions/")?;
        let head = db::sessions::head(pool, session)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("demo history: session missing")?;
        // The candidate opens the join link: the first scenario is on their screen.
        client
            .call(
                JoinScreen::PATH,
                &format!("token={}", head.token),
                None,
                when + 60_000,
            )
            .await?;
        let minute = |m: i64| when + m * 60_000;
        let covered: Vec<usize> = (0..drill.key_points.len())
            .filter(|_| dice.below(3) != 0)
            .collect();
        for (m, kp) in drill.key_points.iter().enumerate() {
            let mark = if covered.contains(&m) {
                "covered"
            } else if dice.below(2) == 0 {
                "partly"
            } else {
                "missed"
            };
            client
                .call(
                    MarkKeyPoint::PATH,
                    &format!("session_id={session}&key={}&mark={mark}", kp.key),
                    Some(host_cookie),
                    minute(5 + m as i64 * 3),
                )
                .await?;
        }
        for f in 0..drill.follow_ups.min(2) {
            client
                .call(
                    RevealFollowUp::PATH,
                    &format!("session_id={session}&follow_up={f}"),
                    Some(host_cookie),
                    minute(20 + f as i64 * 6),
                )
                .await?;
        }
        client
            .call(
                SaveSessionNotes::PATH,
                &format!(
                    "session_id={session}&notes={}",
                    enc("Framed it as a correctness incident early. Rolled back to the last known-good version before digging. Thin on who gets told and when.")
                ),
                Some(host_cookie),
                minute(38),
            )
            .await?;
        client
            .call(
                EndSession::PATH,
                &format!("session_id={session}"),
                Some(host_cookie),
                minute(45),
            )
            .await?;
        // The interviewer's scorecard: a shade stricter than the candidate is on himself.
        let card = |bias: i64, dice: &mut Dice| {
            let mut form = format!(
                "session_id={session}&position=0&target_level=senior&feedback={}&evidence={}",
                enc("Clear triage and a safe first move; say who you would update and when."),
                enc("Named the model version and rolled back before investigating.")
            );
            let (mut total, mut scored) = (0, 0);
            for dim in drill.dimensions() {
                let base = match dim {
                    "communication" => 2,
                    "framing-triage" | "safe-mitigation" => 3,
                    _ => 2 + i64::from(s % 2 == 0),
                };
                let score = clamp(base + bias + dice.wobble());
                total += score;
                scored += 1;
                form.push_str(&format!("&scores%5B{dim}%5D={score}"));
            }
            let recommendation = if total * 4 >= scored * 11 {
                "yes"
            } else {
                "no"
            };
            form.push_str(&format!("&recommendation={recommendation}"));
            for (m, kp) in drill.key_points.iter().enumerate() {
                let mark = if covered.contains(&m) {
                    "covered"
                } else {
                    "missed"
                };
                form.push_str(&format!("&marks%5B{}%5D={mark}", kp.key));
            }
            form
        };
        let host_card = card(0, &mut dice);
        client
            .call(
                SubmitSessionScorecard::PATH,
                &host_card,
                Some(host_cookie),
                minute(55),
            )
            .await?;
        if shadowed {
            let shadow_card = card(1, &mut dice);
            client
                .call(
                    SubmitSessionScorecard::PATH,
                    &shadow_card,
                    Some(&ivo),
                    minute(60),
                )
                .await?;
            if s == 4 {
                // Ira reads Ivo's scorecard and amends her own: marked as written after
                // seeing another's.
                let cards = db::sessions::items(pool, session)
                    .await
                    .map_err(|e| e.to_string())?;
                let attempt = cards.first().ok_or("demo history: no item")?.attempt_id;
                let mine = db::sessions::interviewer_cards(pool, attempt)
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .find(|c| c.scorer_id == Some(ira_id))
                    .ok_or("demo history: Ira's scorecard missing")?;
                let amended = card(1, &mut dice);
                client
                    .call(
                        SubmitSessionScorecard::PATH,
                        &format!(
                            "{amended}&amends={}&reason={}",
                            mine.id,
                            enc("On reflection the mitigation was stronger than I scored it.")
                        ),
                        Some(&ira),
                        minute(24 * 60),
                    )
                    .await?;
            }
        }
        if account == &Some("candidate1@demo.example") {
            client
                .call(
                    ShareScorecard::PATH,
                    &format!("session_id={session}&position=0"),
                    Some(host_cookie),
                    minute(70),
                )
                .await?;
        }
        made.sessions += 1;
    }
    // Cam scores himself on his two mock interviews too: the gap to the interviewer shows.
    for attempt in db::practice::export_rows(pool, cam_id)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|a| a.mode == "mock")
    {
        let when = a_bit_after(pool, attempt.id).await?;
        let version = db::practice::core(pool, attempt.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("demo history: mock attempt missing")?
            .version_id;
        let detail = db::scenarios::get_version(pool, version)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("demo history: mock scenario missing")?;
        let mut form = format!("attempt_id={}", attempt.id);
        for dim in DIMENSIONS
            .into_iter()
            .filter(|d| !detail.not_applicable.iter().any(|n| n == d))
        {
            let score = if dim == "communication" { 3 } else { 4 };
            form.push_str(&format!("&scores%5B{dim}%5D={score}"));
        }
        for kp in &detail.key_points {
            form.push_str(&format!("&marks%5B{}%5D=covered", kp.key));
        }
        client
            .call(SubmitSelfScore::PATH, &form, Some(&cam), when)
            .await?;
    }

    // Calibration: six exercises, revealed, each scored blind by the four raters. Lee and Ira
    // stay close to the key; Ines is noisy; Ivo leans lenient and drifts further up.
    let raters: [(&str, &String); 4] =
        [("lee", &lee), ("ira", &ira), ("ines", &ines), ("ivo", &ivo)];
    let exercise_drills: Vec<&Drill> = all.iter().skip(1).step_by(7).take(7).collect();
    for (e, drill) in exercise_drills.iter().enumerate() {
        let e_i = e as i64;
        let open = e == 6;
        let when = if open {
            now - 2 * DAY
        } else {
            start + 6 * DAY + e_i * 10 * DAY
        };
        let (source, level) = if e % 2 == 0 {
            ("example-4", 4)
        } else {
            ("example-2", 2)
        };
        // The expert key: the example's level, a notch off on a dimension or two.
        let dims: Vec<&str> = drill.dimensions().collect();
        let key: Vec<i64> = (0..dims.len())
            .map(|d| {
                let off = if (d + e) % 4 == 0 {
                    if level == 4 {
                        -1
                    } else {
                        1
                    }
                } else {
                    0
                };
                clamp(level + off)
            })
            .collect();
        let mut form = format!(
            "team_id={team}&scenario={}&title={}&source={source}",
            drill.slug,
            enc(&format!("Calibration {}: level-{level} answer", e + 1))
        );
        for (dim, k) in dims.iter().zip(&key) {
            form.push_str(&format!("&expert%5B{dim}%5D={k}"));
        }
        let exercise = client
            .call(CreateExercise::PATH, &form, Some(&lee), when)
            .await?
            .id_after("/calibration/")?;
        for (r, (who, cookie)) in raters.iter().enumerate() {
            if open && r >= 2 {
                // Still being scored: two of four so far.
                break;
            }
            let mut form = format!("exercise_id={exercise}");
            for (dim, k) in dims.iter().zip(&key) {
                let lean = match *who {
                    "ivo" => 1 + i64::from(e >= 3),
                    "ines" => dice.wobble(),
                    "ira" => i64::from(dice.below(6) == 0) * dice.wobble(),
                    _ => i64::from(dice.below(4) == 0) * dice.wobble(),
                };
                form.push_str(&format!("&scores%5B{dim}%5D={}", clamp(k + lean)));
            }
            if *who == "ines" {
                form.push_str(&format!(
                    "&notes={}",
                    enc("Unsure between 2 and 3 on root cause: the hypotheses are there, the checks are not.")
                ));
            }
            client
                .call(
                    SubmitRating::PATH,
                    &form,
                    Some(cookie),
                    when + (r as i64 + 1) * 5 * HOUR,
                )
                .await?;
            made.ratings += 1;
        }
        if !open {
            client
                .call(
                    RevealExercise::PATH,
                    &format!("exercise_id={exercise}"),
                    Some(&lee),
                    when + 2 * DAY,
                )
                .await?;
        }
        made.exercises += 1;
    }
    // Ira has scored close to the key often enough: Lee confirms her as qualified.
    client
        .call(
            SetQualified::PATH,
            &format!("team_id={team}&user_id={ira_id}&qualified=yes"),
            Some(&lee),
            now - DAY,
        )
        .await?;

    // The team's own scenario, written by Lee and revised a week later.
    let scenario_form = |prompt: &str| {
        let mut f = format!(
            "team_id={team}&slug=feature-backfill-stalls&title={}&summary={}&topics%5Bdata-features%5D=on&level=senior&prompt={}",
            enc("A feature backfill stalls the online store"),
            enc("A backfill of a year of features saturates the online store and serving latency climbs."),
            enc(prompt)
        );
        for (section, text) in [
            ("strong-answer", "- Separates the backfill's load from serving traffic and throttles or pauses it first.\n- Checks the online store's write and read latency, hot partitions and connection pool."),
            ("first-inspect", "- Online store latency by operation, the backfill job's write rate, serving p99."),
            ("commands", "- The feature store's materialisation job status and the store's metrics dashboard."),
            ("metrics", "- Write throughput, read p99, throttled requests, serving p99."),
            ("root-causes", "- A backfill writing to the online store at full speed, sharing capacity with serving."),
            ("mitigations", "- Pause or rate-limit the backfill; write the history offline only."),
            ("prevention", "- Backfills go to the offline store, with a rate limit on online materialisation."),
        ] {
            f.push_str(&format!("&sections%5B{section}%5D={}", enc(text)));
        }
        f.push_str(&format!(
            "&key_points={}&follow_ups={}",
            enc("pause-backfill | Pauses or throttles the backfill before anything else | pause the backfill, throttle the backfill\nseparate-load | Separates backfill writes from serving reads | offline store only, separate capacity\nrate-limit | Rate-limits online materialisation for good | rate limit materialisation, write rate limit"),
            enc("What would you alert on next time? [probes: rate-limit]\nHow do you finish the backfill safely? [probes: separate-load]")
        ));
        f
    };
    client
        .call(
            SaveScenario::PATH,
            &scenario_form("A backfill of a year of features started an hour ago. Serving p99 has tripled and the online store reports throttling. What do you do?"),
            Some(&lee),
            start + 20 * DAY,
        )
        .await?;
    client
        .call(
            SaveScenario::PATH,
            &format!(
                "existing=feature-backfill-stalls&{}",
                scenario_form("A backfill of a year of features started an hour ago. Serving p99 has tripled, the online store reports throttling, and the fraud team's alerts are firing. What do you do first, and then?")
            ),
            Some(&lee),
            start + 27 * DAY,
        )
        .await?;
    Ok(made)
}

/// When the candidate scores a mock attempt: a day after it was submitted.
async fn a_bit_after(pool: &Pool, attempt: i64) -> Result<i64, String> {
    let core = db::practice::core(pool, attempt)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("demo history: attempt missing")?;
    Ok(core.submitted_at.unwrap_or(core.started_at) + DAY)
}
