//! HTTP dates (RFC 9110 §5.6.7): IMF-fixdate written, and the two obsolete forms read too.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 to (year, month 1–12, day 1–31), in the proleptic Gregorian calendar.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn format(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[(days.rem_euclid(7)) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Reads an HTTP date in any of its three forms (RFC 9110 §5.6.7): IMF-fixdate, RFC 850
/// (two-digit year, read as within 50 years), asctime.
pub(crate) fn parse(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let month = |m: &str| MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1);
    let time = |t: &str| -> Option<u64> {
        let mut p = t.split(':').map(|x| x.parse::<u64>().ok());
        let (h, m, s) = (p.next()??, p.next()??, p.next()??);
        (h < 24 && m < 60 && s < 61 && p.next().is_none()).then_some(h * 3600 + m * 60 + s)
    };
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let (year, mon, day, secs) = match parts.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [_, d, m, y, t, "GMT"] if d.len() == 2 && y.len() == 4 => {
            (y.parse().ok()?, month(m)?, d.parse().ok()?, time(t)?)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        [_, dmy, t, "GMT"] => {
            let mut p = dmy.split('-');
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            let y: i64 = y.parse().ok()?;
            let y = if y < 70 { 2000 + y } else { 1900 + y };
            (y, month(m)?, d.parse().ok()?, time(t)?)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [_, m, d, t, y] => (y.parse().ok()?, month(m)?, d.parse().ok()?, time(t)?),
        _ => return None,
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, mon, day);
    let total = u64::try_from(days).ok()? * 86_400 + secs;
    Some(UNIX_EPOCH + Duration::from_secs(total))
}
