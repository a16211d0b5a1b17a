//! When a feed may be fetched again: `[fetch] min_interval_secs`, and what the server asked
//! for (`Cache-Control: max-age`, `Retry-After`), capped so that a misconfigured server cannot
//! freeze a feed.

use chrono::{DateTime, Utc};

use crate::refresh::cache::{FetchRecord, FetchStatus};
use crate::refresh::fetch::ResponseMeta;

/// The longest a server's `Cache-Control: max-age` or `Retry-After` can hold a feed back, so a
/// misconfigured server cannot freeze a feed for a year.
const MAX_SERVER_WAIT_SECS: i64 = 24 * 3600;

/// Sets when the feed may be fetched again: the latest of `min_interval_secs`, the server's
/// `max-age` (after a good answer) and its `Retry-After` (after a 429 or 503).
pub(super) fn schedule(
    record: &mut FetchRecord,
    meta: &ResponseMeta,
    now: DateTime<Utc>,
    min_secs: u64,
) {
    let mut wait: Option<(DateTime<Utc>, String)> = None;
    let mut consider = |at: DateTime<Utc>, why: String| {
        if at > now && wait.as_ref().is_none_or(|(w, _)| at > *w) {
            wait = Some((at, why));
        }
    };
    let cap = |secs: i64| chrono::Duration::seconds(secs.clamp(0, MAX_SERVER_WAIT_SECS));
    if min_secs > 0 {
        let secs = i64::try_from(min_secs).unwrap_or(i64::MAX / 2_000);
        consider(
            now + chrono::Duration::seconds(secs.min(100 * 365 * 86_400)),
            format!("[fetch] min_interval_secs is {min_secs}"),
        );
    }
    let good = matches!(record.status, FetchStatus::Ok | FetchStatus::NotModified);
    if good && let Some(age) = meta.max_age {
        let secs = i64::try_from(age).unwrap_or(i64::MAX);
        consider(
            now + cap(secs),
            format!("the server said Cache-Control: max-age={age}"),
        );
    }
    if matches!(record.http_status, Some(429 | 503)) && !good {
        let until = meta
            .retry_after
            .as_deref()
            .and_then(|v| retry_time(v, now))
            .map(|at| at.min(now + cap(MAX_SERVER_WAIT_SECS)));
        if let Some(at) = until {
            let status = record.http_status.unwrap_or(503);
            consider(
                at,
                format!("the server answered HTTP {status} with Retry-After"),
            );
            if let Some(error) = &mut record.error {
                error.push_str(&format!(
                    "; retrying after {}",
                    at.format("%Y-%m-%d %H:%M UTC")
                ));
            }
        }
    }
    record.next_fetch_after = wait.as_ref().map(|(at, _)| *at);
    record.wait_reason = wait.map(|(_, why)| why);
}

/// A `Retry-After` value (delay in seconds, or an HTTP date) as a time.
fn retry_time(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(secs) = value.parse::<i64>() {
        return Some(now + chrono::Duration::seconds(secs.clamp(0, MAX_SERVER_WAIT_SECS)));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_is_seconds_or_an_http_date_and_is_capped() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 0, 0).unwrap();
        assert_eq!(
            retry_time("120", now),
            Some(now + chrono::Duration::seconds(120))
        );
        assert_eq!(
            retry_time("Fri, 20 Nov 2026 08:00:00 GMT", now),
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap())
        );
        assert_eq!(
            retry_time("99999999", now),
            Some(now + chrono::Duration::hours(24)),
            "capped at a day"
        );
        assert_eq!(retry_time("soon", now), None);
    }

    #[test]
    fn the_latest_wait_wins_and_max_age_only_counts_after_a_good_answer() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 0, 0).unwrap();
        let mut record = FetchRecord::new(now);
        record.status = FetchStatus::Ok;
        let meta = ResponseMeta {
            max_age: Some(7200),
            ..Default::default()
        };
        schedule(&mut record, &meta, now, 600);
        assert_eq!(
            record.next_fetch_after,
            Some(now + chrono::Duration::hours(2))
        );
        assert!(
            record
                .wait_reason
                .as_deref()
                .unwrap()
                .contains("max-age=7200")
        );
        record.status = FetchStatus::Failed;
        schedule(&mut record, &meta, now, 600);
        assert_eq!(
            record.next_fetch_after,
            Some(now + chrono::Duration::minutes(10))
        );
        schedule(&mut record, &ResponseMeta::default(), now, 0);
        assert_eq!(record.next_fetch_after, None);
    }
}
