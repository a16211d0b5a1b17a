//! Dates as feeds write them. feed-rs's own parser reads RFC 3339 and RFC 2822 leniently, but
//! gives up on several forms common in real feeds; this one reads those too, and gives `None`
//! (an undated item) rather than a guess for anything it cannot read with confidence.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Month abbreviations in English, Portuguese, Spanish, German and Italian, by month.
const MONTHS: [&[&str]; 12] = [
    &["jan", "ene", "gen"],
    &["feb", "fev"],
    &["mar", "mär", "mrz"],
    &["apr", "abr", "avr"],
    &["may", "mai", "mag"],
    &["jun", "giu"],
    &["jul", "lug"],
    &["aug", "ago"],
    &["sep", "set", "sept"],
    &["oct", "out", "okt", "ott"],
    &["nov"],
    &["dec", "dez", "dic"],
];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Time zone abbreviations seen in feeds, with their offset in minutes. Ambiguous ones
/// (IST, …) are left out: an unknown zone makes the date unreadable, not wrong.
const ZONES: [(&str, i32); 34] = [
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("MET", 60),
    ("CEST", 120),
    ("MEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("SGT", 480),
    ("HKT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("HST", -600),
];

pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .ok()
        .map(|d| d.to_utc())
        .or_else(|| iso(text))
        .or_else(|| words(text))
}

/// `2024-01-05`, `2024-01-05 10:00`, `2024-01-05T10:00:00.5+0100`, `2020/1/10 14:33:00`:
/// ISO-like dates, with the time, seconds or zone missing (UTC is assumed).
fn iso(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let text = text.replacen(' ', "T", 1);
    let (local, offset) = match text.find('T') {
        Some(t) => {
            let (local, offset) = split_offset(&text[t..])?;
            (format!("{}{}", &text[..t], local.trim_end()), offset)
        }
        None => (text.clone(), 0),
    };
    let sep = if local.contains('/') { '/' } else { '-' };
    let naive = ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|time| {
            let format = format!("%Y{sep}%m{sep}%dT{time}");
            NaiveDateTime::parse_from_str(&local, &format).ok()
        })
        .or_else(|| {
            NaiveDate::parse_from_str(&local, &format!("%Y{sep}%m{sep}%d"))
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN))
        })?;
    at_offset(naive, offset)
}

/// Splits `T10:00:00+01:00` into the local part and the offset in minutes (0 when none).
fn split_offset(time: &str) -> Option<(&str, i32)> {
    if let Some(local) = time.strip_suffix(['Z', 'z']) {
        return Some((local, 0));
    }
    let Some(sign_at) = time.rfind(['+', '-']) else {
        return Some((time, 0));
    };
    Some((&time[..sign_at], offset_minutes(&time[sign_at..])?))
}

/// `+0100`, `-05:00`, `+09`: an offset in minutes.
fn offset_minutes(text: &str) -> Option<i32> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    (hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// Dates in words, in any order: `Friday, January 29, 2021 04:42 PM`,
/// `Seg, 24 Set 2018 19:42:40 -0300`, `Fri, 17 May 2019 06:00:00 BST`. The weekday is
/// ignored (it is often wrong or not in English).
fn words(text: &str) -> Option<DateTime<Utc>> {
    let cleaned = text.replace(',', " ");
    let mut tokens: Vec<&str> = cleaned.split_whitespace().collect();
    if tokens
        .first()
        .is_some_and(|t| t.chars().all(|c| c.is_alphabetic() || c == '.') && month(t).is_none())
    {
        tokens.remove(0);
    }
    let (mut day, mut month_number, mut year) = (None, None, None);
    let (mut time, mut pm, mut offset) = (None, None, None);
    for token in tokens {
        if let Some(m) = month(token) {
            month_number.replace(m).is_none().then_some(())?;
        } else if token.contains(':') && time.is_none() {
            time = Some(clock(token)?);
        } else if token.eq_ignore_ascii_case("am") || token.eq_ignore_ascii_case("pm") {
            pm = Some(token.eq_ignore_ascii_case("pm"));
        } else if let Some(minutes) = zone(token) {
            offset.replace(minutes).is_none().then_some(())?;
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            let n: i32 = token.parse().ok()?;
            match token.len() {
                1 | 2 if day.is_none() => day = Some(n),
                2 if year.is_none() => year = Some(2000 + n),
                4 if year.is_none() => year = Some(n),
                _ => return None,
            }
        } else {
            return None;
        }
    }
    let (mut hour, minute, second) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(year?, month_number?, u32::try_from(day?).ok()?)?;
    let naive = date.and_time(NaiveTime::from_hms_opt(hour, minute, second)?);
    at_offset(naive, offset.unwrap_or(0))
}

fn month(token: &str) -> Option<u32> {
    let lower = token.trim_end_matches('.').to_lowercase();
    let index = MONTHS
        .iter()
        .position(|names| names.contains(&lower.as_str()))
        .or_else(|| MONTH_NAMES.iter().position(|&name| name == lower))?;
    u32::try_from(index + 1).ok()
}

/// `14:33`, `14:33:07`, `24:10:00` (read as 00:10, as feed-rs does).
fn clock(token: &str) -> Option<(u32, u32, u32)> {
    let mut parts = token.split(':').map(|p| p.parse::<u32>().ok());
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    if parts.next().is_some() {
        return None;
    }
    Some((if hour == 24 { 0 } else { hour }, minute, second))
}

fn zone(token: &str) -> Option<i32> {
    offset_minutes(token).or_else(|| {
        ZONES
            .iter()
            .find(|(name, _)| *name == token)
            .map(|&(_, minutes)| minutes)
    })
}

fn at_offset(naive: NaiveDateTime, minutes: i32) -> Option<DateTime<Utc>> {
    let offset = FixedOffset::east_opt(minutes * 60)?;
    Some(offset.from_local_datetime(&naive).single()?.to_utc())
}
