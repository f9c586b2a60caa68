//! Byte classes of the HTTP grammars, as lookup tables, and word-at-a-time scanning.
//!
//! Each class cites its ABNF. The tables are built at compile time; the scanners read eight
//! bytes at a time with `u64::from_le_bytes` (safe code) and fall back to the table only for a
//! word that holds a suspicious byte.

/// A 256-entry table of the bytes for which `$pred` holds, built at compile time.
macro_rules! table {
    (|$b:ident| $pred:expr) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            t[i] = $pred;
            i += 1;
        }
        t
    }};
}

/// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|"
/// / "~" / DIGIT / ALPHA` (RFC 9110 §5.6.2).
static TCHAR: [bool; 256] = table!(|b| matches!(b,
    b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
    | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z'));

/// `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value (RFC 9110 §5.5). The same
/// set makes up `reason-phrase` (RFC 9112 §4) and `qdtext` without the quote and backslash.
static VALUE: [bool; 256] = table!(|b| b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f));

/// Bytes a request-target may hold outside `%`-escapes: `unreserved / sub-delims / ":" / "@"
/// / "/" / "?"` (RFC 3986 §3.3, §3.4), and `[` `]` for IP literals in an authority.
static URI: [bool; 256] = table!(|b| matches!(b,
    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'
    | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    | b':' | b'@' | b'/' | b'?' | b'[' | b']'));

/// `reg-name` bytes outside `%`-escapes: `unreserved / sub-delims` (RFC 3986 §3.2.2).
static REG_NAME: [bool; 256] = table!(|b| matches!(b,
    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'
    | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='));

/// Bytes of a path or query outside `%`-escapes: the URI bytes without `[` and `]`, which
/// only an IP literal in an authority may hold (RFC 3986 §3.3, §3.4).
static PATH: [bool; 256] = table!(|b| URI[b as usize] && b != b'[' && b != b']');

/// Whether `b` is a `tchar`.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// Whether `s` is a `token = 1*tchar`.
#[inline]
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Whether `b` may appear in a field value, reason phrase or quoted string.
#[inline]
pub(crate) fn is_value_byte(b: u8) -> bool {
    VALUE[usize::from(b)]
}

/// Whether `b` may appear unescaped in a strict request-target.
#[inline]
pub(crate) fn is_uri_byte(b: u8) -> bool {
    URI[usize::from(b)]
}

/// Whether `b` may appear unescaped in a `reg-name`.
#[inline]
pub(crate) fn is_reg_name_byte(b: u8) -> bool {
    REG_NAME[usize::from(b)]
}

/// Whether `b` may appear unescaped in a path or query.
#[inline]
pub(crate) fn is_path_byte(b: u8) -> bool {
    PATH[usize::from(b)]
}

/// `1*DIGIT` (RFC 5234 §B.1) as a u64: no sign, no spaces, no overflow. Content-Length
/// (RFC 9110 §8.6) and the numbers of an HTTP date (§5.6.7) are read with it.
pub(crate) fn parse_decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// The value of a hex digit.
#[inline]
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Whether `s[i..]` starts with `pct-encoded = "%" HEXDIG HEXDIG` (RFC 3986 §2.1).
#[inline]
pub(crate) fn pct_encoded_at(s: &[u8], i: usize) -> bool {
    matches!(s.get(i..i + 3), Some([b'%', x, y]) if hex_value(*x).is_some() && hex_value(*y).is_some())
}

/// [`is_path_byte`] in branch-free compares of ranges, for [`all_in`].
#[inline(always)]
fn path_ranges(b: u8) -> bool {
    (b == b'!')
        | (b == b'$')
        | (b.wrapping_sub(b'&') < 22) // & ' ( ) * + , - . / 0-9 : ;
        | (b == b'=')
        | (b.wrapping_sub(b'?') < 28) // ? @ A-Z
        | (b == b'_')
        | (b.wrapping_sub(b'a') < 26)
        | (b == b'~')
}

/// Whether `b` is neither a control byte (below 0x20) nor DEL, branch-free, for [`all_in`].
#[inline(always)]
pub(crate) fn not_control(b: u8) -> bool {
    (b >= 0x20) & (b != 0x7f)
}

/// Whether every byte of a block is in the class: a loop of fixed length with no early exit
/// over a branch-free predicate, which the compiler turns into a few SIMD compares (SSE2 on
/// x86-64, NEON on aarch64) in safe code.
#[inline(always)]
pub(crate) fn all_in<const N: usize>(block: &[u8; N], class: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(true, |ok, &b| ok & class(b))
}

/// The offset of the first byte at or after `i` that is not a path byte ([`is_path_byte`]),
/// or `None` if `buf` ends first: whole blocks of sixteen bytes at a time ([`all_in`]), the
/// rest a byte at a time.
#[inline(always)]
pub(crate) fn skip_path(buf: &[u8], mut i: usize) -> Option<usize> {
    while let Some(block) = buf.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        if !all_in(block, path_ranges) {
            break;
        }
        i += 16;
    }
    while is_path_byte(*buf.get(i)?) {
        i += 1;
    }
    Some(i)
}

/// The offset of the first byte at or after `i` outside the class `table`, for short runs
/// (field names, hosts): four bytes at a time, then one at a time; `None` if `buf` ends first.
#[inline(always)]
pub(crate) fn skip_short(buf: &[u8], mut i: usize, table: impl Fn(u8) -> bool) -> Option<usize> {
    while let Some(&[a, b, c, d]) = buf.get(i..).and_then(<[u8]>::first_chunk::<4>) {
        if !(table(a) & table(b) & table(c) & table(d)) {
            break;
        }
        i += 4;
    }
    while table(*buf.get(i)?) {
        i += 1;
    }
    Some(i)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` (little-endian) that is below 0x20 or equal to 0x7f, by
/// the classic `hasless` and `haszero` bit tricks. Exact as a yes/no answer, and its lowest
/// set bit is exact too: a borrow can only mark a byte above one that is truly marked.
#[inline]
pub(crate) fn word_control_mask(w: u64) -> u64 {
    let below_space = w.wrapping_sub(LO * 0x20) & !w & HI;
    let x = w ^ (LO * 0x7f);
    let del = x.wrapping_sub(LO) & !x & HI;
    below_space | del
}

/// Whether any byte of `w` is below 0x20 or equal to 0x7f.
#[inline]
fn word_has_control(w: u64) -> bool {
    word_control_mask(w) != 0
}

/// The index of the first byte of `s` that is not allowed in a field value, if any.
///
/// Eight bytes at a time; a word with a control byte (HTAB included, which is allowed) is
/// checked byte by byte.
pub(crate) fn find_invalid_value_byte(s: &[u8]) -> Option<usize> {
    let mut chunks = s.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if word_has_control(u64::from_le_bytes(word))
            && let Some(i) = chunk.iter().position(|&b| !is_value_byte(b))
        {
            return Some(base + i);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| !is_value_byte(b))
        .map(|i| base + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_scan_matches_the_table_for_every_byte_at_every_offset() {
        for bad in 0u8..=255 {
            for len in [1usize, 7, 8, 9, 16, 23] {
                for pos in 0..len {
                    let mut s = alloc::vec![b'a'; len];
                    s[pos] = bad;
                    let want = if is_value_byte(bad) { None } else { Some(pos) };
                    assert_eq!(
                        find_invalid_value_byte(&s),
                        want,
                        "byte {bad:#x} at {pos}/{len}"
                    );
                }
            }
        }
    }

    #[test]
    fn value_scan_allows_tabs_and_obs_text() {
        assert_eq!(
            find_invalid_value_byte(b"a\tb\xff\x80 c~!\t\t\t\t\t\t\t\t"),
            None
        );
        assert_eq!(find_invalid_value_byte(b"abcdefgh\x7fij"), Some(8));
        assert_eq!(find_invalid_value_byte(b"abcdefgh\r"), Some(8));
    }

    #[test]
    fn the_narrower_uri_classes_are_the_uri_bytes_less_their_delimiters() {
        for b in 0u8..=255 {
            let uri = is_uri_byte(b);
            assert_eq!(is_path_byte(b), uri && !b"[]".contains(&b), "{b:#x}");
            assert_eq!(
                is_reg_name_byte(b),
                uri && !b":@/?[]".contains(&b),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn the_lowest_marked_byte_of_a_word_is_the_first_control_byte() {
        for bad in (0u8..0x20).chain([0x7f]) {
            for pos in 0..8 {
                // Bytes around it that could upset a borrow: DEL's neighbours, 0x20, 0x80.
                for fill in [b'a', 0x20, 0x7e, 0x80, 0xff, 0x21] {
                    let mut w = [fill; 8];
                    w[pos] = bad;
                    let mask = word_control_mask(u64::from_le_bytes(w));
                    assert_eq!(mask.trailing_zeros() / 8, pos as u32, "{bad:#x} at {pos}");
                }
            }
        }
        assert_eq!(word_control_mask(u64::from_le_bytes(*b" ~\x80\xffaZ09")), 0);
    }

    #[test]
    fn the_range_forms_of_the_classes_are_the_tables() {
        for b in 0u8..=255 {
            assert_eq!(path_ranges(b), is_path_byte(b), "path {b:#x}");
        }
    }

    #[test]
    fn a_class_is_skipped_to_its_first_outsider_at_every_offset_and_length() {
        for len in 0..40 {
            for bad in [
                None,
                Some(b':'),
                Some(b' '),
                Some(b'%'),
                Some(b'['),
                Some(0x80),
            ] {
                for pos in 0..len.max(1) {
                    let mut s = alloc::vec![b'a'; len];
                    if let Some(x) = bad
                        && pos < len
                    {
                        s[pos] = x;
                    }
                    let want = s.iter().position(|&b| !is_tchar(b));
                    assert_eq!(skip_short(&s, 0, is_tchar), want, "{bad:?} at {pos}/{len}");
                    let want = s.iter().position(|&b| !is_path_byte(b));
                    let got = skip_path(&s, 0);
                    assert_eq!(got, want, "{bad:?} at {pos}/{len}");
                }
            }
        }
    }

    #[test]
    fn classes_follow_the_abnf() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"x-Custom_Method!#$%&'*+.^`|~09"));
        for b in b"()<>@,;:\\\"/[]?={} \t".iter() {
            assert!(!is_tchar(*b), "{}", *b as char);
        }
        assert!(!is_token(b""));
        assert!(is_uri_byte(b'/') && is_uri_byte(b'~') && !is_uri_byte(b'#'));
        assert!(!is_uri_byte(b'"') && !is_uri_byte(b'{') && !is_uri_byte(b' '));
        assert_eq!(hex_value(b'F'), Some(15));
        assert_eq!(hex_value(b'g'), None);
    }
}
