//! Byte ranges (RFC 9110 §14): reading a `Range` field against a representation's length.

/// Most ranges served as one multipart response; more are answered with the whole file.
pub(crate) const MAX_RANGES: usize = 16;

/// What a `Range` field asks of a representation of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ranges {
    /// No usable range: the whole representation, 200 (the field is ignored when its syntax
    /// is wrong, or it asks for too many pieces or for more bytes than the whole holds, as
    /// overlapping ranges do: RFC 9110 §14.2 lets a server ignore such a field, a sign of a
    /// broken client or of an attempt to have one file sent many times over, §17.15).
    Whole,
    /// These inclusive (first, last) ranges, in the order asked.
    Some(Vec<(u64, u64)>),
    /// Well-formed, but no range overlaps the representation: 416.
    Unsatisfiable,
}

/// `Range: bytes=0-499, 500-, -200` against `len` bytes. Numbers too large for 64 bits are
/// taken for what they are: past any length.
pub(crate) fn parse(value: &str, len: u64) -> Ranges {
    let value = value.trim();
    // Range units are case-insensitive (RFC 9110 §14.1).
    let Some(set) = value
        .get(..6)
        .filter(|unit| unit.eq_ignore_ascii_case("bytes="))
        .and_then(|_| value.get(6..))
    else {
        return Ranges::Whole;
    };
    // `1*DIGIT`, saturated: a number beyond u64 is beyond any length.
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().unwrap_or(u64::MAX))
    };
    let mut out = Vec::new();
    let mut any = false;
    for spec in set.split(',') {
        let spec = spec.trim();
        if spec.is_empty() {
            continue;
        }
        let Some((first, last)) = spec.split_once('-') else {
            return Ranges::Whole;
        };
        any = true;
        let range = if first.is_empty() {
            // suffix-range: the last n bytes.
            let Some(n) = number(last) else {
                return Ranges::Whole;
            };
            // Of an empty representation the only satisfiable range is a suffix one (RFC
            // 9110 §14.1.2), which selects nothing: the whole, empty, is the answer.
            if n > 0 && len == 0 {
                return Ranges::Whole;
            }
            (n > 0).then(|| (len.saturating_sub(n), len - 1))
        } else {
            let Some(a) = number(first) else {
                return Ranges::Whole;
            };
            // A last-pos at or past the end means the end (§14.1.1).
            let b = if last.is_empty() {
                u64::MAX
            } else {
                match number(last) {
                    Some(b) if b >= a => b,
                    _ => return Ranges::Whole,
                }
            };
            (a < len).then(|| (a, b.min(len - 1)))
        };
        out.extend(range);
        if out.len() > MAX_RANGES {
            return Ranges::Whole;
        }
    }
    let asked = out
        .iter()
        .fold(0u64, |sum, (a, b)| sum.saturating_add(b - a + 1));
    if !any || asked > len {
        Ranges::Whole
    } else if out.is_empty() {
        Ranges::Unsatisfiable
    } else {
        Ranges::Some(out)
    }
}
