//! Feed health: what the site, the `/status/` page and the build summary say about a feed,
//! computed from the history kept in its cache file.
//!
//! One failed fetch alarms nobody: a feed is shown as failing only after `[health]
//! grace_builds` failures in a row, or after failing for `grace_days` (measured between the
//! first failure and the last attempt, so an offline rebuild says the same). The grace period
//! is for a feed that once worked: one that never did (a typo in its URL, a host that does not
//! resolve) is failing from its first build. A feed that answered 410 Gone, or failed
//! `dead_after_builds` builds in a row, is dead.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::refresh::cache::{FetchRecord, FetchStatus};
use crate::refresh::state::Outcome;
use crate::site::HealthConfig;

/// A feed's state, as the status page and the summary name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    /// Gone for good: 410, or failing for too long.
    Dead,
    /// Failing past the grace period.
    Failing,
    /// Works, but from a new address: the list should be updated.
    Moved,
    /// Fetched (or kept) without trouble; may have failed a few times within the grace period.
    Ok,
    /// The server said 304 this build.
    NotModified,
}

impl HealthState {
    /// The word for it, the same everywhere: "ok", "not modified", "failing", "moved", "dead".
    pub fn word(self) -> &'static str {
        match self {
            HealthState::Dead => "dead",
            HealthState::Failing => "failing",
            HealthState::Moved => "moved",
            HealthState::Ok => "ok",
            HealthState::NotModified => "not modified",
        }
    }
}

/// What is known about a feed's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// The state.
    pub state: HealthState,
    /// The last error, in plain words, while the feed is failing (even within the grace period).
    pub error: Option<String>,
    /// Failed attempts in a row.
    pub failures: u32,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
    /// The new address of a moved feed.
    pub moved_to: Option<String>,
    /// Why this build did not fetch the feed, when it did not.
    pub note: Option<String>,
}

impl Health {
    /// Whether the site should show the feed as failing (failing past grace, or dead).
    pub fn alarming(&self) -> bool {
        matches!(self.state, HealthState::Failing | HealthState::Dead)
    }
}

/// Judges a feed from its fetch record and what happened this build.
pub fn assess(record: Option<&FetchRecord>, outcome: &Outcome, config: &HealthConfig) -> Health {
    let note = match outcome {
        Outcome::Skipped(reason) => Some(reason.clone()),
        _ => None,
    };
    let Some(r) = record else {
        return never_fetched(outcome, note);
    };
    let failing = r.status == FetchStatus::Failed;
    let failed_for = r
        .failing_since
        .map_or(Duration::zero(), |since| r.fetched_at - since);
    let never_worked = r.last_success_at.is_none();
    let past_grace = never_worked
        || r.consecutive_failures >= config.grace_builds.max(1)
        || failed_for >= Duration::days(config.grace_days.min(100_000) as i64)
            && config.grace_days > 0;
    let state = if r.gone || (failing && r.consecutive_failures >= config.dead_after_builds.max(1))
    {
        HealthState::Dead
    } else if failing && past_grace {
        HealthState::Failing
    } else if r
        .moved_to
        .as_deref()
        .and_then(|to| crate::urls::safe_link(to, None))
        .is_some()
    {
        HealthState::Moved
    } else if matches!(outcome, Outcome::NotModified) {
        HealthState::NotModified
    } else {
        HealthState::Ok
    };
    Health {
        state,
        error: failing.then(|| r.error.clone()).flatten(),
        failures: if failing { r.consecutive_failures } else { 0 },
        failing_since: if failing { r.failing_since } else { None },
        // Only an http(s) URL ever becomes a link.
        moved_to: r
            .moved_to
            .as_deref()
            .and_then(|to| crate::urls::safe_link(to, None)),
        note,
    }
}

/// A feed never fetched, and not this build either (offline, or the cache was unreadable):
/// if that is a failure, it is one of a feed that never worked, so there is no grace.
fn never_fetched(outcome: &Outcome, note: Option<String>) -> Health {
    let error = match outcome {
        Outcome::Failed(e) => Some(e.clone()),
        _ => None,
    };
    Health {
        state: if error.is_some() {
            HealthState::Failing
        } else {
            HealthState::Ok
        },
        failures: u32::from(error.is_some()),
        error,
        failing_since: None,
        moved_to: None,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn failing(builds: u32, days: i64) -> FetchRecord {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        let mut r = FetchRecord::new(now);
        r.last_success_at = Some(now - Duration::days(days + 1));
        r.status = FetchStatus::Failed;
        r.error = Some("HTTP 404".into());
        r.consecutive_failures = builds;
        r.failing_since = Some(now - Duration::days(days));
        r
    }

    #[test]
    fn grace_by_builds_and_by_days() {
        let cfg = HealthConfig::default();
        let out = Outcome::Failed("HTTP 404".into());
        assert_eq!(
            assess(Some(&failing(1, 0)), &out, &cfg).state,
            HealthState::Ok
        );
        assert_eq!(
            assess(Some(&failing(2, 1)), &out, &cfg).state,
            HealthState::Ok
        );
        assert_eq!(
            assess(Some(&failing(3, 0)), &out, &cfg).state,
            HealthState::Failing
        );
        assert_eq!(
            assess(Some(&failing(2, 2)), &out, &cfg).state,
            HealthState::Failing
        );
        assert_eq!(
            assess(Some(&failing(50, 9)), &out, &cfg).state,
            HealthState::Dead
        );
        let mut never = failing(1, 0);
        never.last_success_at = None;
        let h = assess(Some(&never), &out, &cfg);
        assert_eq!(
            h.state,
            HealthState::Failing,
            "no grace for a feed that never worked"
        );
        assert!(h.alarming());
        let unfetched = assess(None, &Outcome::Failed("not in the cache".into()), &cfg);
        assert_eq!(unfetched.state, HealthState::Failing);
        let mut gone = failing(1, 0);
        gone.gone = true;
        assert_eq!(assess(Some(&gone), &out, &cfg).state, HealthState::Dead);
        let h = assess(Some(&failing(1, 0)), &out, &cfg);
        assert!(!h.alarming() && h.error.is_some() && h.failures == 1);
    }
}
