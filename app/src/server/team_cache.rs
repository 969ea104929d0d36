//! Each team's calibration dashboard as last computed, with the database's stats epoch it was
//! computed at (`db::team_stats::epoch`). A view whose epoch matches is served from here; any
//! rating, reveal, membership, qualification, name, rubric or mock-session scorecard change
//! moves the epoch (database triggers, so also when another instance made it) and the next
//! view recomputes. The dashboard's queries and statistics (~12 ms on a team of 11 with 60
//! exercises) are then paid once per change, not once per view.
use crate::domain::calibration::TeamDashboard;
use std::collections::HashMap;
use std::sync::Mutex;

/// More teams than this and the entries of older epochs go first, then all (a bound, not a
/// policy: one entry is a few tens of kilobytes).
const MAX_TEAMS: usize = 512;

#[derive(Default)]
pub struct TeamCache {
    entries: Mutex<HashMap<i64, (i64, TeamDashboard)>>,
}

impl TeamCache {
    /// Team `team`'s dashboard if it was computed at `epoch`.
    pub fn get(&self, team: i64, epoch: i64) -> Option<TeamDashboard> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&team)
            .filter(|(at, _)| *at == epoch)
            .map(|(_, d)| d.clone())
    }

    /// Keep `dashboard`, computed after reading `epoch`.
    pub fn put(&self, team: i64, epoch: i64, dashboard: &TeamDashboard) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_TEAMS && !entries.contains_key(&team) {
            entries.retain(|_, (at, _)| *at >= epoch);
            if entries.len() >= MAX_TEAMS {
                entries.clear();
            }
        }
        // A slower request may finish after a newer one: keep the newer reading.
        match entries.get(&team) {
            Some((at, _)) if *at > epoch => {}
            _ => {
                entries.insert(team, (epoch, dashboard.clone()));
            }
        }
    }
}
