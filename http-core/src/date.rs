//! HTTP dates (RFC 9110 §5.6.7): IMF-fixdate written, all three forms read.
//!
//! The engine reads no clock: a server connection is told the wall-clock time with
//! [`Connection::set_date`](crate::Connection::set_date) and writes it as the `Date` field of
//! its final responses (RFC 9110 §6.6.1). These functions are pure, for that and for fields
//! such as `Last-Modified` and `If-Modified-Since`.

use crate::parse::chars::parse_decimal;
use core::fmt;

const DAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
/// 9999-12-31 23:59:59 GMT: the last second a four-digit year can write.
const LAST: u64 = 253_402_300_799;

/// A point in time to the second, with its IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate {
    secs: u64,
    text: [u8; 29],
}

impl HttpDate {
    /// The date `secs` seconds after 1970-01-01 00:00:00 GMT (times after the year 9999 are
    /// written as its last second).
    #[must_use]
    pub fn from_unix_secs(secs: u64) -> Self {
        let secs = secs.min(LAST);
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil(days);
        let mut text = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        text[..3].copy_from_slice(DAYS[(days % 7) as usize]);
        two(&mut text[5..7], day);
        text[8..11].copy_from_slice(MONTHS[month as usize - 1]);
        two(&mut text[12..14], year / 100);
        two(&mut text[14..16], year % 100);
        two(&mut text[17..19], rem / 3600);
        two(&mut text[20..22], rem / 60 % 60);
        two(&mut text[23..25], rem % 60);
        Self { secs, text }
    }

    /// Whether this is the date [`from_unix_secs(secs)`](Self::from_unix_secs) would make
    /// (times past the last one a date can say are all that last one).
    pub(crate) fn is_at(&self, secs: u64) -> bool {
        self.secs == secs.min(LAST)
    }

    /// Seconds since 1970-01-01 00:00:00 GMT.
    #[must_use]
    pub fn unix_secs(&self) -> u64 {
        self.secs
    }

    /// The IMF-fixdate, 29 bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// Reads a date in any of the three forms a recipient MUST accept (RFC 9110 §5.6.7):
    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Spaces
    /// before, after and between the parts are ignored (a tab is not); the day name is not
    /// checked against the date.
    ///
    /// RFC 9110 has an RFC 850 year that would be more than 50 years in the future read as
    /// the most recent past year with the same two digits: that needs the present, and this
    /// reads no clock, so the window is fixed at 1950–2049: two digits from 50 to 99 are read
    /// as 1950–1999, where the rule in 2026 would read 50–76 as 2050–2076.
    #[must_use]
    pub fn parse(s: &[u8]) -> Option<Self> {
        let mut parts = [&b""[..]; 6];
        let mut n = 0;
        for part in s.split(|&b| b == b' ').filter(|p| !p.is_empty()) {
            *parts.get_mut(n)? = part;
            n += 1;
        }
        let (year, month, day, time) = match parts[..n] {
            // IMF-fixdate.
            [name, d, m, y, t, b"GMT"] if name.ends_with(b",") && d.len() == 2 && y.len() == 4 => {
                (parse_decimal(y)?, month(m)?, parse_decimal(d)?, t)
            }
            // RFC 850.
            [name, dmy, t, b"GMT"] if name.ends_with(b",") => {
                let &[d1, d0, b'-', m0, m1, m2, b'-', y1, y0] = dmy else {
                    return None;
                };
                let y = parse_decimal(&[y1, y0])?;
                let year = if y < 50 { 2000 + y } else { 1900 + y };
                (year, month(&[m0, m1, m2])?, parse_decimal(&[d1, d0])?, t)
            }
            // asctime.
            [_, m, d, t, y] if y.len() == 4 && (1..=2).contains(&d.len()) => {
                (parse_decimal(y)?, month(m)?, parse_decimal(d)?, t)
            }
            _ => return None,
        };
        let secs = time_of_day(time)?;
        if !(1970..=9999).contains(&year) || day == 0 || day > days_in(year, month) {
            return None;
        }
        Some(Self::from_unix_secs(
            days_from_civil(year, month, day) * 86_400 + secs,
        ))
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // invariant: the text is written from ASCII digits and names only.
        f.write_str(core::str::from_utf8(&self.text).unwrap_or_default())
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpDate({self})")
    }
}

/// Two decimal digits of `n` (below 100).
fn two(out: &mut [u8], n: u64) {
    out[0] = b'0' + (n / 10 % 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

fn month(m: &[u8]) -> Option<u64> {
    let i = MONTHS.iter().position(|x| x.as_slice() == m)?;
    Some(i as u64 + 1)
}

/// `time-of-day = hour ":" minute ":" second` (two digits each; a leap second, 60, is
/// allowed, RFC 9110 §5.6.7), as seconds since midnight.
fn time_of_day(t: &[u8]) -> Option<u64> {
    let &[h1, h0, b':', m1, m0, b':', s1, s0] = t else {
        return None;
    };
    let (h, m, s) = (
        parse_decimal(&[h1, h0])?,
        parse_decimal(&[m1, m0])?,
        parse_decimal(&[s1, s0])?,
    );
    (h < 24 && m < 60 && s <= 60).then_some(h * 3600 + m * 60 + s)
}

fn is_leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 to (year, month 1–12, day 1–31), proleptic Gregorian.
fn civil(days: u64) -> (u64, u64, u64) {
    // Counted from 0000-03-01, so that the leap day ends each 4-, 100- and 400-year cycle.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(month <= 2), month, day)
}

/// (year ≥ 1970, month, day) to days since 1970-01-01.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let (era, yoe) = (y / 400, y % 400);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_imf_fixdate_of_rfc_9110() {
        let d = HttpDate::from_unix_secs(784_111_777);
        assert_eq!(d.as_bytes(), b"Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(d.unix_secs(), 784_111_777);
        assert_eq!(
            HttpDate::from_unix_secs(0).as_bytes(),
            b"Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            HttpDate::from_unix_secs(951_782_400).as_bytes(),
            b"Tue, 29 Feb 2000 00:00:00 GMT"
        );
        let last = HttpDate::from_unix_secs(u64::MAX);
        assert_eq!(last.as_bytes(), b"Fri, 31 Dec 9999 23:59:59 GMT");
        // Every time past the last is that date (the engine does not write it again).
        assert!(last.is_at(u64::MAX) && last.is_at(LAST) && !last.is_at(LAST - 1));
        assert!(HttpDate::from_unix_secs(7).is_at(7) && !HttpDate::from_unix_secs(7).is_at(8));
        assert_eq!(alloc::format!("{d}"), "Sun, 06 Nov 1994 08:49:37 GMT");
        let leap = HttpDate::parse(b"Thu, 29 Feb 2024 00:00:00 GMT").expect("leap day");
        assert_eq!(leap.as_bytes(), b"Thu, 29 Feb 2024 00:00:00 GMT");
    }

    #[test]
    fn reads_all_three_forms() {
        let want = Some(HttpDate::from_unix_secs(784_111_777));
        assert_eq!(HttpDate::parse(b"Sun, 06 Nov 1994 08:49:37 GMT"), want);
        assert_eq!(HttpDate::parse(b"Sunday, 06-Nov-94 08:49:37 GMT"), want);
        assert_eq!(HttpDate::parse(b"Sun Nov  6 08:49:37 1994"), want);
        assert_eq!(HttpDate::parse(b"  Sun, 06 Nov 1994 08:49:37 GMT "), want);
        assert_eq!(
            HttpDate::parse(b"Thursday, 01-Jan-30 00:00:00 GMT").map(|d| d.unix_secs()),
            Some(1_893_456_000)
        );
    }

    #[test]
    fn every_written_date_reads_back() {
        let mut secs = 0u64;
        while secs < LAST {
            let d = HttpDate::from_unix_secs(secs);
            assert_eq!(HttpDate::parse(d.as_bytes()), Some(d), "{d}");
            secs = secs * 3 + 86_399;
        }
        for days in 0..(366 * 5) {
            let d = HttpDate::from_unix_secs(951_782_400 - 86_400 * 800 + days * 86_400 + 59);
            assert_eq!(HttpDate::parse(d.as_bytes()), Some(d), "{d}");
        }
    }

    #[test]
    fn near_misses_never_panic_and_what_is_read_writes_back() {
        let forms: [&[u8]; 3] = [
            b"Sun, 06 Nov 1994 08:49:37 GMT",
            b"Sunday, 06-Nov-94 08:49:37 GMT",
            b"Sun Nov  6 08:49:37 1994",
        ];
        let check = |s: &[u8]| {
            if let Some(d) = HttpDate::parse(s) {
                assert_eq!(HttpDate::parse(d.as_bytes()), Some(d));
            }
        };
        for form in forms {
            for cut in 0..=form.len() {
                check(&form[..cut]);
                check(&form[cut..]);
            }
            for at in 0..form.len() {
                for b in [0u8, b' ', b'0', b'9', b'-', b',', b':', b'a', 0xff] {
                    let mut s = form.to_vec();
                    s[at] = b;
                    check(&s);
                    s.insert(at, b);
                    check(&s);
                }
            }
        }
        check(b"Sun, 99 Dec 9999 99:99:99 GMT");
        check(b"Sun, 31 Dec 9999 23:59:60 GMT");
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            &b""[..],
            b"Sun, 06 Nov 1994 08:49:37 UTC",
            b"Sun, 6 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Now 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1994 24:00:00 GMT",
            b"Sun, 06 Nov 1994 08:60:00 GMT",
            b"Sun, 06 Nov 1994 8:49:37 GMT",
            b"Sun, 31 Apr 1994 08:49:37 GMT",
            b"Sun, 29 Feb 1900 08:49:37 GMT",
            b"Sun, 00 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1969 08:49:37 GMT",
            b"Sun, 06 Nov +994 08:49:37 GMT",
            b"Sunday, 06-Nov-1994 08:49:37 GMT",
            b"Sunday, 06-Nov-94-1 08:49:37 GMT",
            b"Sun Nov 06 08:49:37 94",
            b"Sun, 06 Nov 1994 08:49:37 GMT extra",
            b"Sun, 06 Nov 1994 08:49:37 GMT a b c",
        ] {
            assert_eq!(
                HttpDate::parse(bad),
                None,
                "{:?}",
                crate::headers::Lossy(bad)
            );
        }
    }
}
