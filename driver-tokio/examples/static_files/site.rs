//! The served directory: mapping a request path to a file under the root and never outside
//! it, content types, directory listings, and the cache of small files.

use bytes::Bytes;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Files up to this size are kept in memory.
pub(crate) const CACHE_FILE_MAX: u64 = 64 * 1024;
/// The most bytes the cache holds in all.
pub(crate) const CACHE_TOTAL_MAX: u64 = 16 * 1024 * 1024;

/// How long a file's resolution is trusted before the path is resolved and the file looked
/// at again: its real path under the root, its metadata, and what serves it without opening
/// the path again (a large file's open handle; a small one's bytes, from the cache, checked
/// against that metadata). A change to the file shows within this time, and meanwhile a
/// request for the whole file makes no system call but the ones that send it. nginx's
/// `open_file_cache_valid` is the same idea (60 s by default there). Nothing is opened by
/// path from a trusted resolution, so a path swapped for a link leading out of the root
/// meanwhile serves nothing from outside; a file replaced by a rename is sent whole, old or
/// new; one rewritten in place during that second may be sent mixed, or cut short (the
/// connection then closes), as with nginx's cache.
pub(crate) const RESOLVED_VALID: Duration = Duration::from_secs(1);
/// The most resolutions kept; when full, they are all forgotten at once.
const RESOLVED_MAX: usize = 10_000;
/// The most resolutions that keep a file open, all closed at once past it. An expired
/// handle is closed when its path is asked for again, or when another large file's
/// resolution is kept.
pub(crate) const OPEN_MAX: usize = 64;

/// Why a path is not served.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a well-formed path (a bad percent-escape): 400.
    BadRequest,
    /// Nothing to serve there, or a path that tries to leave the root: 404.
    NotFound,
    /// It exists but leads out of the root (a symlink): 403.
    Forbidden,
}

/// What a path names. (A value returned once and matched at once: boxing the file's
/// metadata to make the variants alike in size would cost an allocation per request.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Target {
    /// A regular file, and what serves it without opening its path again.
    File(PathBuf, std::fs::Metadata, Kept),
    /// A directory whose request path ends in `/`: its `index.html`, or a listing.
    Dir(PathBuf),
    /// A directory asked for without the final `/`: redirect to this path, the directory's
    /// own, normalised (one `/` between segments, each percent-encoded), so that it can only
    /// name a path on this site (`//host` would name another).
    AddSlash(String),
}

/// What serves a resolved file without opening its path again.
#[derive(Debug)]
pub(crate) enum Kept {
    /// A large file's handle, opened from its checked real path.
    Open(Arc<File>),
    /// A small file's bytes, from the cache, of the version the metadata describes.
    Bytes(Bytes),
}

/// Percent-decoding (RFC 3986 §2.1) of one path segment. An invalid escape is an error.
pub(crate) fn percent_decode(s: &str) -> Result<Vec<u8>, Refusal> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(Refusal::BadRequest),
            }
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Percent-encoding of a name for an `href`: everything but unreserved characters.
pub(crate) fn percent_encode(name: &[u8]) -> String {
    let mut out = String::new();
    for &b in name {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// HTML escaping of text.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Content-Type for a file name, from its extension.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "md" | "rs" | "toml" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// What tells one version of a file from another: its length and modification time and, on
/// Unix, its inode and status-change time, which a file replaced by a rename, or rewritten
/// with its old modification time put back (`cp -p`, `touch -r`), changes too (nobody can set
/// them back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified_ns: u128,
    inode: u64,
    changed_ns: i128,
}

impl Stamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> Self {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        #[cfg(unix)]
        let (inode, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.ino(),
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            )
        };
        #[cfg(not(unix))]
        let (inode, changed_ns) = (0, 0);
        Self {
            len: meta.len(),
            modified_ns,
            inode,
            changed_ns,
        }
    }

    /// The version as a strong entity tag (RFC 9110 §8.8.3): the length and modification
    /// time (which the response's fields say anyway) and a hash, under this process's random
    /// key, of the file's identity and change time, which tell a file replaced or changed
    /// within the same modification time without giving its inode number away. (The tags
    /// change when the server restarts: a cache then asks for each file once more.)
    pub(crate) fn etag(&self) -> String {
        use std::hash::{BuildHasher, RandomState};
        static KEY: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
        let hidden = KEY
            .get_or_init(RandomState::new)
            .hash_one((self.inode, self.changed_ns));
        format!("\"{:x}-{:x}-{:016x}\"", self.len, self.modified_ns, hidden)
    }
}

#[derive(Debug)]
struct Cached {
    stamp: Stamp,
    bytes: Bytes,
}

/// What a path names, found so that what is checked is what is served: on Linux the path is
/// opened first (`O_PATH`: no read, no wait on a FIFO, no effect on a device) and where it
/// really lies is read off the open descriptor (`/proc/self/fd`), with its metadata, so a
/// link swapped in after the check cannot be followed; elsewhere the path is resolved, then
/// looked at.
struct Found {
    real: PathBuf,
    meta: std::fs::Metadata,
    /// The descriptor the path was found through (Linux).
    #[cfg(target_os = "linux")]
    at: File,
}

impl Found {
    #[cfg(target_os = "linux")]
    fn of(full: &Path) -> Option<Self> {
        use rustix::fs::{Mode, OFlags};
        use std::os::fd::AsRawFd;
        let at =
            File::from(rustix::fs::open(full, OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).ok()?);
        let real = std::fs::read_link(format!("/proc/self/fd/{}", at.as_raw_fd())).ok()?;
        let meta = at.metadata().ok()?;
        Some(Self { real, meta, at })
    }

    #[cfg(not(target_os = "linux"))]
    fn of(full: &Path) -> Option<Self> {
        let real = full.canonicalize().ok()?;
        let meta = std::fs::metadata(&real).ok()?;
        Some(Self { real, meta })
    }

    /// The file found, opened for reading: on Linux through the descriptor it was found by,
    /// so it is the same file whatever happened to its path since.
    fn open(&self) -> Option<File> {
        #[cfg(target_os = "linux")]
        let path = {
            use std::os::fd::AsRawFd;
            PathBuf::from(format!("/proc/self/fd/{}", self.at.as_raw_fd()))
        };
        #[cfg(not(target_os = "linux"))]
        let path = self.real.clone();
        File::open(path).ok()
    }
}

/// A file's resolution, and when it was made.
#[derive(Debug)]
struct Resolved {
    at: Instant,
    real: PathBuf,
    meta: std::fs::Metadata,
    /// A large file's handle.
    file: Option<Arc<File>>,
}

/// Files' resolutions, and the paths of those that keep a file open (at most [`OPEN_MAX`]):
/// what closes expired handles looks at those alone, not at every resolution.
#[derive(Debug, Default)]
struct Resolutions {
    map: HashMap<PathBuf, Resolved>,
    open: Vec<PathBuf>,
}

impl Resolutions {
    fn remove(&mut self, rel: &Path) {
        if self.map.remove(rel).is_some_and(|r| r.file.is_some()) {
            self.open.retain(|p| p != rel);
        }
    }

    fn insert(&mut self, rel: PathBuf, resolved: Resolved) {
        if self.map.len() >= RESOLVED_MAX {
            self.map.clear();
            self.open.clear();
        }
        self.remove(&rel);
        if resolved.file.is_some() {
            // Expired handles are closed first, so that a deleted file's space is given back.
            let now = Instant::now();
            let map = &mut self.map;
            self.open.retain(|p| {
                let live = map
                    .get(p)
                    .is_some_and(|r| now.saturating_duration_since(r.at) < RESOLVED_VALID);
                if !live {
                    map.remove(p);
                }
                live
            });
            if self.open.len() >= OPEN_MAX {
                for p in self.open.drain(..) {
                    map.remove(&p);
                }
            }
            self.open.push(rel.clone());
        }
        self.map.insert(rel, resolved);
    }
}

/// A directory served over HTTP.
#[derive(Debug)]
pub(crate) struct Site {
    root: PathBuf,
    cache: Mutex<(HashMap<PathBuf, Cached>, u64)>,
    /// Files' resolutions, by their path relative to the root (normalised: one path per
    /// name, so the map holds at most one entry per file and symlink to one).
    resolved: Mutex<Resolutions>,
}

impl Site {
    /// Serves `root` (which must exist).
    pub(crate) fn new(root: &Path) -> std::io::Result<Self> {
        let root = root.canonicalize()?;
        // A file would be served as nothing at all: every path under it is a 404.
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a folder",
            ));
        }
        Ok(Self {
            root,
            cache: Mutex::new((HashMap::new(), 0)),
            resolved: Mutex::new(Resolutions::default()),
        })
    }

    /// The canonical root.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Maps a request path (`/a/b%20c`, query removed) to what it names under the root; a
    /// file's resolution of less than [`RESOLVED_VALID`] ago is taken as it is.
    pub(crate) fn resolve(&self, path: &str) -> Result<Target, Refusal> {
        if !path.starts_with('/') {
            return Err(Refusal::NotFound);
        }
        let mut rel = PathBuf::new();
        for raw in path[1..].split('/') {
            let seg = percent_decode(raw)?;
            // An encoded slash or backslash, or a NUL, never names a file.
            if seg.iter().any(|&b| b == b'/' || b == b'\\' || b == 0) {
                return Err(Refusal::NotFound);
            }
            let seg = file_name(seg)?;
            match seg.as_encoded_bytes() {
                b"" | b"." => {}
                b".." => return Err(Refusal::NotFound),
                // Hidden names (`.git`, `.env`) are not served: see [`hidden`].
                s if hidden(s) => return Err(Refusal::NotFound),
                _ => {
                    // Only plain names: no drive prefixes or roots smuggled in a segment.
                    let mut c = Path::new(&seg).components();
                    if !matches!((c.next(), c.next()), (Some(Component::Normal(_)), None)) {
                        return Err(Refusal::NotFound);
                    }
                    rel.push(seg);
                }
            }
        }
        let target = match self.recent(&rel) {
            Some(target) => target,
            None => self.find(path, rel)?,
        };
        // A file is not a directory: `/a.txt/` names nothing (its relative links would not
        // resolve as the file's).
        if path.ends_with('/') && matches!(target, Target::File(..)) {
            return Err(Refusal::NotFound);
        }
        Ok(target)
    }

    /// What `rel` (the request path `path` made relative, of plain names) names,
    /// looked at now.
    fn find(&self, path: &str, rel: PathBuf) -> Result<Target, Refusal> {
        let found = Found::of(&self.root.join(&rel)).ok_or(Refusal::NotFound)?;
        let Ok(inside) = found.real.strip_prefix(&self.root) else {
            // A symbolic link leading out of the root.
            return Err(Refusal::Forbidden);
        };
        if inside
            .components()
            .any(|c| hidden(c.as_os_str().as_encoded_bytes()))
        {
            // A symbolic link leading to a hidden name.
            return Err(Refusal::NotFound);
        }
        let Found { real, meta, .. } = &found;
        if meta.is_dir() {
            if path.ends_with('/') {
                Ok(Target::Dir(found.real))
            } else {
                // The directory's own path, normalised: its segments, each percent-encoded.
                let mut to = String::new();
                for segment in &rel {
                    to.push('/');
                    to.push_str(&percent_encode(segment.as_encoded_bytes()));
                }
                Ok(Target::AddSlash(to + "/"))
            }
        } else if meta.is_file() {
            let large = meta.len() > CACHE_FILE_MAX;
            // A small file whose bytes are cached as of this version: served from them,
            // without opening it.
            if !large && let Some(bytes) = self.in_cache(real, meta) {
                self.remember(rel, real, meta, None);
                return Ok(Target::File(found.real, found.meta, Kept::Bytes(bytes)));
            }
            // Served through this handle: a small file read into memory, a large one sent,
            // and its handle kept with the resolution.
            let file = Arc::new(found.open().ok_or(Refusal::NotFound)?);
            self.remember(rel, real, meta, large.then(|| file.clone()));
            Ok(Target::File(found.real, found.meta, Kept::Open(file)))
        } else {
            Err(Refusal::NotFound)
        }
    }

    /// The file `rel` names, from a resolution of less than [`RESOLVED_VALID`] ago, with what
    /// serves it: `None` if there is none, or if a small file's bytes are no longer cached
    /// (its path is then resolved and read anew).
    fn recent(&self, rel: &Path) -> Option<Target> {
        let (real, meta, file) = {
            let mut resolutions = self.resolved.lock().ok()?;
            let r = resolutions.map.get(rel)?;
            if r.at.elapsed() >= RESOLVED_VALID {
                // Expired: forgotten now, its handle closed.
                resolutions.remove(rel);
                return None;
            }
            (r.real.clone(), r.meta.clone(), r.file.clone())
        };
        let kept = match file {
            Some(file) => Kept::Open(file),
            None => Kept::Bytes(self.in_cache(&real, &meta)?),
        };
        Some(Target::File(real, meta, kept))
    }

    /// Keeps a file's resolution for [`RESOLVED_VALID`].
    fn remember(
        &self,
        rel: PathBuf,
        real: &Path,
        meta: &std::fs::Metadata,
        file: Option<Arc<File>>,
    ) {
        let Ok(mut resolutions) = self.resolved.lock() else {
            return;
        };
        let resolved = Resolved {
            at: Instant::now(),
            real: real.to_path_buf(),
            meta: meta.clone(),
            file,
        };
        resolutions.insert(rel, resolved);
    }

    /// The cached contents of a small file, if they are of the version `meta` describes.
    fn in_cache(&self, path: &Path, meta: &std::fs::Metadata) -> Option<Bytes> {
        let guard = self.cache.lock().ok()?;
        let c = guard.0.get(path)?;
        (c.stamp == Stamp::of(meta)).then(|| c.bytes.clone())
    }

    /// The contents of a small file from the cache, read (again) when its version changed
    /// ([`Stamp`]); `None` for a file too large to cache. Bytes read while the file changed
    /// (their length is not `meta`'s, or the file's version after the read is not `meta`'s)
    /// are returned but not cached: kept under `meta`'s version, they would be served with
    /// its length until the resolution expires.
    pub(crate) fn cached(
        &self,
        path: &Path,
        meta: &std::fs::Metadata,
        file: &File,
    ) -> std::io::Result<Option<Bytes>> {
        if meta.len() > CACHE_FILE_MAX {
            return Ok(None);
        }
        if let Some(bytes) = self.in_cache(path, meta) {
            return Ok(Some(bytes));
        }
        // Through the handle the resolution opened: what was checked is what is read.
        let mut read = Vec::new();
        (&*file).read_to_end(&mut read)?;
        let bytes = Bytes::from(read);
        let stamp = Stamp::of(meta);
        let unchanged = bytes.len() as u64 == meta.len()
            && file
                .metadata()
                .is_ok_and(|after| Stamp::of(&after) == stamp);
        if !unchanged {
            return Ok(Some(bytes));
        }
        if let Ok(mut guard) = self.cache.lock() {
            let (map, total) = &mut *guard;
            if let Some(old) = map.remove(path) {
                *total -= old.bytes.len() as u64;
            }
            if *total + bytes.len() as u64 <= CACHE_TOTAL_MAX {
                *total += bytes.len() as u64;
                map.insert(
                    path.to_path_buf(),
                    Cached {
                        stamp,
                        bytes: bytes.clone(),
                    },
                );
            }
        }
        Ok(Some(bytes))
    }

    /// Whether a directory's entry is served, and as a folder: only what a request for it
    /// would get, so that a listing shows no name that then fails (a hidden one, a link
    /// leading out of the root or to a hidden name, a FIFO or socket, a name with a
    /// backslash, what this process may not read) nor reveals where a link leads.
    fn servable(&self, entry: &std::fs::DirEntry) -> Option<bool> {
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        // (Where names must be UTF-8 to be asked for, one that is not is never served.)
        if hidden(bytes) || bytes.contains(&b'\\') || (cfg!(not(unix)) && name.to_str().is_none()) {
            return None;
        }
        let kind = entry.file_type().ok()?;
        let kind = if kind.is_symlink() {
            let real = entry.path().canonicalize().ok()?;
            let inside = real.strip_prefix(&self.root).ok()?;
            if inside
                .components()
                .any(|c| hidden(c.as_os_str().as_encoded_bytes()))
            {
                return None;
            }
            std::fs::metadata(real).ok()?.file_type()
        } else {
            kind
        };
        let is_dir = kind.is_dir();
        ((is_dir || kind.is_file()) && readable(&entry.path(), is_dir)).then_some(is_dir)
    }

    /// An HTML listing of `dir`, whose request path is `path`: of its first [`MAX_LISTED`]
    /// entries (in the directory's order), sorted, so that a huge directory costs a bounded
    /// time to list.
    pub(crate) fn listing(&self, dir: &Path, path: &str) -> std::io::Result<String> {
        let mut entries = std::fs::read_dir(dir)?;
        let read: Vec<_> = entries.by_ref().take(MAX_LISTED).collect();
        let cut = entries.next().is_some();
        let mut names: Vec<(OsString, bool)> = read
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|e| Some((e.file_name(), self.servable(&e)?)))
            .collect();
        names.sort();
        // The path as its names read, not as escaped for the request.
        let title = percent_decode(path).map_or_else(
            |_| html_escape(path),
            |p| html_escape(&String::from_utf8_lossy(&p)),
        );
        let mut out = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n<body><h1>Index of {title}</h1>\n<ul>\n"
        );
        if path != "/" {
            out.push_str("<li><a href=\"../\">../</a></li>\n");
        }
        for (name, is_dir) in names {
            let slash = if is_dir { "/" } else { "" };
            // The link has the name's bytes; its text, what they read as UTF-8.
            out.push_str(&format!(
                "<li><a href=\"{}{slash}\">{}{slash}</a></li>\n",
                percent_encode(name.as_encoded_bytes()),
                html_escape(&name.to_string_lossy())
            ));
        }
        out.push_str("</ul>\n");
        if cut {
            out.push_str(&format!(
                "<p>This folder holds more than the {MAX_LISTED} entries read for this listing.</p>\n"
            ));
        }
        out.push_str("</body></html>\n");
        Ok(out)
    }
}

/// Whether this process may read `path` (a folder: open what it holds, and list it or
/// serve its `index.html`), by its effective user and groups: only a refusal (`EACCES`)
/// says no, so that a system that will not answer (a sandbox refusing the call) hides
/// nothing. Linux; elsewhere taken as readable, and a name that then fails answers 403 or
/// 404.
fn readable(path: &Path, dir: bool) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{Access, AtFlags, CWD};
        let may = |path: &Path, how| {
            !matches!(
                rustix::fs::accessat(CWD, path, how, AtFlags::EACCESS),
                Err(rustix::io::Errno::ACCESS)
            )
        };
        if !dir {
            return may(path, Access::READ_OK);
        }
        // (An index that is not there is no index.)
        let index = || {
            rustix::fs::accessat(
                CWD,
                path.join("index.html"),
                Access::READ_OK,
                AtFlags::EACCESS,
            )
            .is_ok()
        };
        may(path, Access::EXEC_OK) && (may(path, Access::READ_OK) || index())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (path, dir);
        true
    }
}

/// Most entries of a directory read for its listing.
pub(crate) const MAX_LISTED: usize = 10_000;

/// Whether a name is hidden (starts with a dot, as `.git`, `.env` or `.ssh` do): such files
/// and folders are neither listed nor served, wherever they are under the root, so that
/// serving a project's folder does not publish its repository or its secrets.
fn hidden(name: &[u8]) -> bool {
    name.first() == Some(&b'.')
}

/// A file name from a request path's decoded segment: any bytes on Unix, where a name is
/// bytes (one not in UTF-8 is served and listed too); elsewhere only UTF-8.
fn file_name(bytes: Vec<u8>) -> Result<OsString, Refusal> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Ok(OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes)
            .map(OsString::from)
            .map_err(|_| Refusal::NotFound)
    }
}
