//! Field sections: ordered (name, value) slices of one shared buffer (RFC 9110 §5).
//!
//! A parsed head keeps the bytes it arrived in; its fields are offsets into them, so parsing
//! allocates nothing per field. Names keep their original case; order and duplicates are kept;
//! look-ups compare names case-insensitively (RFC 9110 §5.1).

use alloc::vec::Vec;
use bytes::{Bytes, BytesMut};
use core::fmt;
use core::ops::Range;

/// One field's name and value as offsets into the buffer of its [`Headers`].
/// Panics if a section built field by field passes 4 GiB (`len` bytes of names and values),
/// as a `Vec` does past its capacity, rather than keep offsets (`u32`) that no longer point
/// at its fields.
fn fits(len: usize) {
    assert!(
        u32::try_from(len).is_ok(),
        "a field section holds at most 4 GiB of names and values"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    name: (u32, u32),
    value: (u32, u32),
}

impl Entry {
    /// Offsets must fit `u32`: the parser bounds every section to 4 GiB whatever the limits
    /// say, and a section built field by field checks it ([`fits`]).
    pub(crate) fn new(name: Range<usize>, value: Range<usize>) -> Self {
        // invariant: offsets fit (see above); saturating keeps this free of a panic path.
        let c = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Self {
            name: (c(name.start), c(name.end)),
            value: (c(value.start), c(value.end)),
        }
    }

    /// Where the field's name, and so its line, starts.
    pub(crate) fn name_start(&self) -> usize {
        self.name.0 as usize
    }

    pub(crate) fn value_end(&self) -> usize {
        self.value.1 as usize
    }

    pub(crate) fn set_value_end(&mut self, end: usize) {
        self.value.1 = u32::try_from(end).unwrap_or(u32::MAX);
    }

    pub(crate) fn value_is_empty(&self) -> bool {
        self.value.0 == self.value.1
    }

    pub(crate) fn set_value(&mut self, value: Range<usize>) {
        let c = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        self.value = (c(value.start), c(value.end));
    }

    fn name<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.name.0 as usize..self.name.1 as usize)
            .unwrap_or_default()
    }

    fn value<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.value.0 as usize..self.value.1 as usize)
            .unwrap_or_default()
    }
}

/// An ordered list of fields: a header section or a trailer section.
///
/// Two sections are equal when they hold the same fields in the same order, compared
/// byte for byte (names included, with their case).
#[derive(Clone, Default)]
pub struct Headers {
    buf: Bytes,
    entries: Vec<Entry>,
}

impl Headers {
    /// An empty field section.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            buf: Bytes::new(),
            entries: Vec::new(),
        }
    }

    /// Fields parsed from `buf`, located by `entries`.
    pub(crate) fn from_parts(buf: Bytes, entries: Vec<Entry>) -> Self {
        Self { buf, entries }
    }

    /// The number of field lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no fields.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The fields in order, as (name, value) byte slices.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.buf,
            entries: self.entries.iter(),
        }
    }

    /// The value of the first field called `name` (compared case-insensitively).
    #[must_use]
    pub fn get(&self, name: impl AsRef<[u8]>) -> Option<&[u8]> {
        let name = name.as_ref();
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The values of every field called `name`, in order.
    pub fn get_all<'a, N: AsRef<[u8]> + ?Sized>(
        &'a self,
        name: &'a N,
    ) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.values(name.as_ref())
    }

    fn values<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Whether a field called `name` is present.
    #[must_use]
    pub fn contains(&self, name: impl AsRef<[u8]>) -> bool {
        self.get(name).is_some()
    }

    /// The elements of the comma-separated lists in every field called `name`, in order, with
    /// optional whitespace trimmed and empty elements skipped (RFC 9110 §5.6.1).
    ///
    /// Commas inside quoted strings are not treated specially: use this for token lists.
    pub fn list<'a, N: AsRef<[u8]> + ?Sized>(
        &'a self,
        name: &'a N,
    ) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.elements(name.as_ref())
    }

    fn elements<'a>(&'a self, name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.values(name)
            .flat_map(|v| v.split(|&b| b == b','))
            .map(trim_ows)
            .filter(|e| !e.is_empty())
    }

    /// Whether the comma lists of the fields called `name` hold `token`, case-insensitively
    /// (as `Connection: keep-alive, Upgrade` holds `upgrade`).
    #[must_use]
    pub fn has_token(&self, name: impl AsRef<[u8]>, token: impl AsRef<[u8]>) -> bool {
        let (name, token) = (name.as_ref(), token.as_ref());
        // A plain loop: this runs for several fields of every message.
        self.entries.iter().any(|e| {
            e.name(&self.buf).eq_ignore_ascii_case(name) && list_has(e.value(&self.buf), token)
        })
    }

    /// The bytes the fields take as field lines (`name: value` CRLF each).
    pub(crate) fn encoded_len(&self) -> usize {
        self.iter().map(|(n, v)| n.len() + v.len() + 4).sum()
    }

    /// The value of the field at `index` in order (empty past the end).
    pub(crate) fn value_at(&self, index: usize) -> &[u8] {
        self.entries
            .get(index)
            .map(|e| e.value(&self.buf))
            .unwrap_or_default()
    }

    /// Appends a field. Names and values are checked when the head is sent, not here.
    ///
    /// # Panics
    /// If the section's names and values together pass 4 GiB.
    ///
    /// The bytes are copied into the section's own buffer.
    pub fn append(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        let (name, value) = (name.as_ref(), value.as_ref());
        let mut buf = match core::mem::take(&mut self.buf).try_into_mut() {
            Ok(m) => m,
            Err(shared) => BytesMut::from(&shared[..]),
        };
        buf.reserve(name.len() + value.len());
        fits(buf.len() + name.len() + value.len());
        let n0 = buf.len();
        buf.extend_from_slice(name);
        let v0 = buf.len();
        buf.extend_from_slice(value);
        let end = buf.len();
        self.buf = buf.freeze();
        self.entries.push(Entry::new(n0..v0, v0..end));
    }

    /// A section of `fields`, built in one buffer (`size` bytes of names and values expected,
    /// and `count` fields: the buffer is exactly as large when they are right) rather than
    /// one [`append`](Self::append) at a time.
    pub(crate) fn from_fields<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        size: usize,
        count: usize,
        fields: impl Iterator<Item = (N, V)>,
    ) -> Self {
        let mut buf = Vec::with_capacity(size);
        let mut entries = Vec::with_capacity(count);
        for (name, value) in fields {
            let n0 = buf.len();
            buf.extend_from_slice(name.as_ref());
            let v0 = buf.len();
            buf.extend_from_slice(value.as_ref());
            fits(buf.len());
            entries.push(Entry::new(n0..v0, v0..buf.len()));
        }
        // A buffer exactly full becomes `Bytes` without a further allocation.
        Self {
            buf: Bytes::from(buf),
            entries,
        }
    }

    /// Removes every field called `name`; returns how many were removed.
    pub fn remove(&mut self, name: impl AsRef<[u8]>) -> usize {
        let before = self.entries.len();
        let buf = &self.buf;
        self.entries
            .retain(|e| !e.name(buf).eq_ignore_ascii_case(name.as_ref()));
        before - self.entries.len()
    }

    /// The fields as shared slices of the section's buffer: no copy.
    #[cfg(feature = "http")]
    pub(crate) fn iter_shared(&self) -> impl Iterator<Item = (Bytes, Bytes)> + '_ {
        let slice = |(a, b): (u32, u32)| self.buf.slice(a as usize..(b as usize).max(a as usize));
        self.entries
            .iter()
            .map(move |e| (slice(e.name), slice(e.value)))
    }
}

/// A field section as the engine reads one to frame and write a message: its own
/// [`Headers`], or (with the `http` feature) the `http::HeaderMap` of a response sent straight
/// from the `http` types, which is then written without a copy into `Headers` first.
pub(crate) trait Fields {
    /// Whether every field is valid by construction (a token name, a value of `field-vchar`,
    /// SP and HTAB: RFC 9110 §5.1, §5.5), as the `http` types check them when they are made;
    /// the engine checks the fields of any other section before writing them.
    const VALID: bool;

    /// The (name, value) pairs, in order.
    fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])>;

    /// The values of every field called `name` (compared case-insensitively).
    fn values_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> {
        self.pairs()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v)
    }
}

impl Fields for Headers {
    const VALID: bool = false;

    fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.iter()
    }
}

#[cfg(feature = "http")]
impl Fields for http::HeaderMap {
    // `HeaderName` holds only lower-case tokens and `HeaderValue` only the bytes a field
    // value may hold, whichever safe constructor made them.
    const VALID: bool = true;

    fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.iter()
            .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes()))
    }
}

/// Optional whitespace (SP / HTAB) trimmed from both ends (RFC 9110 §5.6.3).
/// Whether the comma list `value` holds `token`, case-insensitively (RFC 9110 §5.6.1: empty
/// elements do not count).
pub(crate) fn list_has(value: &[u8], token: &[u8]) -> bool {
    !token.is_empty()
        && value
            .split(|&b| b == b',')
            .any(|element| trim_ows(element).eq_ignore_ascii_case(token))
}

pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// An iterator over the (name, value) pairs of [`Headers`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    buf: &'a [u8],
    entries: core::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let e = self.entries.next()?;
        Some((e.name(self.buf), e.value(self.buf)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Headers {
    type Item = (&'a [u8], &'a [u8]);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        Self::from_fields(0, iter.size_hint().0, iter)
    }
}

impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(n, v)| (Lossy(n), Lossy(v))))
            .finish()
    }
}

/// Shows bytes as text where they are printable ASCII, escaped elsewhere.
pub(crate) struct Lossy<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
                fmt::Write::write_char(f, char::from(b))?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_are_case_insensitive_and_keep_order_and_case() {
        let h: Headers = [("Host", "a"), ("X-Dup", "1"), ("x-dup", "2")]
            .into_iter()
            .collect();
        assert_eq!(h.len(), 3);
        assert_eq!(h.get("HOST"), Some(&b"a"[..]));
        assert_eq!(h.get_all("X-DUP").collect::<Vec<_>>(), [b"1", b"2"]);
        let names: Vec<_> = h.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [&b"Host"[..], b"X-Dup", b"x-dup"]);
        assert!(!h.contains("missing"));
    }

    #[test]
    fn comma_lists_trim_and_skip_empty_elements() {
        let h: Headers = [
            ("Connection", " keep-alive , ,Upgrade"),
            ("connection", "close"),
        ]
        .into_iter()
        .collect();
        let l: Vec<_> = h.list("connection").collect();
        assert_eq!(l, [&b"keep-alive"[..], b"Upgrade", b"close"]);
        assert!(h.has_token("Connection", "upgrade"));
        assert!(!h.has_token("Connection", "te"));
    }

    #[test]
    fn remove_drops_every_match() {
        let mut h: Headers = [("A", "1"), ("b", "2"), ("a", "3")].into_iter().collect();
        assert_eq!(h.remove("A"), 2);
        assert_eq!(h.iter().collect::<Vec<_>>(), [(&b"b"[..], &b"2"[..])]);
    }

    #[test]
    fn append_after_clone_does_not_disturb_the_clone() {
        let mut a: Headers = [("A", "1")].into_iter().collect();
        let b = a.clone();
        a.append("B", "2");
        assert_eq!(b.len(), 1);
        assert_eq!(a.get("b"), Some(&b"2"[..]));
        assert_eq!(a.get("a"), Some(&b"1"[..]));
    }

    #[test]
    fn trim_ows_trims_spaces_and_tabs_only() {
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
    }
}
