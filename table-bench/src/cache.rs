//! The CPU's caches, as Linux's sysfs describes them, and the table size beyond the last-level
//! cache.
//!
//! A bulk operation on a table that fits the last-level cache runs at the cache's speed, so the
//! same 4 MB fill is memory-bound on a machine with an 8 MiB L3 and cache-bound on one with a
//! 480 MiB L3, and its ratio to `memset` says more about the machine than about the code. Every
//! bandwidth-bound operation is therefore also measured at a size whose table is at least
//! [`BEYOND_FACTOR`] times the last-level cache.

use std::fmt::Write as _;
use std::path::Path;

/// Where Linux describes the caches of the first CPU: one `index<N>` directory per cache, each
/// with `level`, `type` and `size` files.
pub const SYSFS_CACHE_DIR: &str = "/sys/devices/system/cpu/cpu0/cache";

/// The last-level cache assumed where sysfs describes none: larger than most desktop and server
/// L3s, so that the table measured beyond it is beyond the real one too, yet small enough that
/// such a table takes hundreds of megabytes, not gigabytes.
pub const ASSUMED_LAST_LEVEL_BYTES: u64 = 64 << 20;

/// A table beyond the last-level cache takes at least this many times its bytes: prefetchers
/// and a partly warm cache no longer hide the memory's speed.
pub const BEYOND_FACTOR: u64 = 2;

/// What a cache holds, as sysfs's `type` file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheType {
    /// Data only (`Data`).
    Data,
    /// Instructions only (`Instruction`).
    Instruction,
    /// Both (`Unified`).
    Unified,
}

/// One cache of the CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cache {
    /// Its level, 1 nearest the core.
    pub level: u32,
    /// What it holds.
    pub kind: CacheType,
    /// Its size in bytes.
    pub bytes: u64,
}

impl Cache {
    /// The cache described by the contents of one sysfs `index<N>` directory's `level`, `type`
    /// and `size` files (`"3"`, `"Unified"`, `"491520K"`); `None` if one does not parse.
    pub fn parse(level: &str, kind: &str, size: &str) -> Option<Cache> {
        let kind = match kind.trim() {
            "Data" => CacheType::Data,
            "Instruction" => CacheType::Instruction,
            "Unified" => CacheType::Unified,
            _ => return None,
        };
        Some(Cache {
            level: level.trim().parse().ok()?,
            kind,
            bytes: parse_size(size)?,
        })
    }

    /// `L1d`, `L1i`, `L2`: the level, with `d` or `i` for a split cache.
    pub fn name(&self) -> String {
        let suffix = match self.kind {
            CacheType::Data => "d",
            CacheType::Instruction => "i",
            CacheType::Unified => "",
        };
        format!("L{}{suffix}", self.level)
    }
}

/// A sysfs cache size (`"48K"`, `"2048K"`, `"1M"`, or bytes without a suffix) in bytes.
pub fn parse_size(size: &str) -> Option<u64> {
    let size = size.trim();
    let (digits, unit) = match size.char_indices().last()? {
        (at, 'K') => (&size[..at], 1 << 10),
        (at, 'M') => (&size[..at], 1 << 20),
        (at, 'G') => (&size[..at], 1 << 30),
        _ => (size, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// The caches of one CPU, or none where they are unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caches {
    caches: Vec<Cache>,
}

impl Caches {
    /// The caches sysfs describes at [`SYSFS_CACHE_DIR`] (none if it is absent).
    pub fn from_sysfs() -> Self {
        Self::read(Path::new(SYSFS_CACHE_DIR))
    }

    /// The caches described by the `index*` directories under `dir`, in index order; a
    /// directory with a missing or unparsable file is skipped.
    pub fn read(dir: &Path) -> Self {
        let mut indices: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("index"))
            })
            .collect();
        indices.sort();
        let read = |index: &Path, file: &str| std::fs::read_to_string(index.join(file)).ok();
        Caches {
            caches: indices
                .iter()
                .filter_map(|index| {
                    Cache::parse(
                        &read(index, "level")?,
                        &read(index, "type")?,
                        &read(index, "size")?,
                    )
                })
                .collect(),
        }
    }

    /// The caches described by `(level, type, size)` file contents, as [`Cache::parse`] reads
    /// them; the unparsable ones are skipped.
    pub fn from_entries<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Self {
        Caches {
            caches: entries
                .into_iter()
                .filter_map(|(level, kind, size)| Cache::parse(level, kind, size))
                .collect(),
        }
    }

    /// Every cache, in the order they were described.
    pub fn caches(&self) -> &[Cache] {
        &self.caches
    }

    /// The last-level cache: the largest cache of the highest level that holds data, if any is
    /// known.
    pub fn last_level(&self) -> Option<Cache> {
        self.caches
            .iter()
            .filter(|cache| cache.kind != CacheType::Instruction)
            .max_by_key(|cache| (cache.level, cache.bytes))
            .copied()
    }

    /// The bytes of the last-level cache, or [`ASSUMED_LAST_LEVEL_BYTES`] if none is known.
    pub fn last_level_bytes(&self) -> u64 {
        self.last_level()
            .map_or(ASSUMED_LAST_LEVEL_BYTES, |cache| cache.bytes)
    }

    /// The element count of a table of `element_size`-byte slots beyond the last-level cache
    /// (see [`elements_beyond`]).
    pub fn beyond_last_level(&self, element_size: usize) -> u64 {
        elements_beyond(self.last_level_bytes(), element_size)
    }

    /// `L1d 48 KiB, L1i 64 KiB, L2 2 MiB, L3 480 MiB (cpu0, from sysfs)`, or what was assumed.
    pub fn describe(&self) -> String {
        if self.caches.is_empty() {
            return format!(
                "not described by {SYSFS_CACHE_DIR}: a last-level cache of {} is assumed",
                format_bytes(ASSUMED_LAST_LEVEL_BYTES)
            );
        }
        let mut out = String::new();
        for (index, cache) in self.caches.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let _ = write!(
                out,
                "{separator}{} {}",
                cache.name(),
                format_bytes(cache.bytes)
            );
        }
        out.push_str(" (cpu0, from sysfs)");
        out
    }
}

/// The smallest element count with at most two significant digits (`2.6e8`, `6.3e7`) whose
/// `element_size`-byte slots take at least [`BEYOND_FACTOR`] times `cache_bytes`.
pub fn elements_beyond(cache_bytes: u64, element_size: usize) -> u64 {
    let element_size = element_size.max(1) as u64;
    round_up_to_two_digits((BEYOND_FACTOR * cache_bytes).div_ceil(element_size))
}

/// The smallest number with at most two significant digits that is at least `n`.
pub fn round_up_to_two_digits(n: u64) -> u64 {
    let mut scale = 1;
    while n / scale >= 100 {
        scale *= 10;
    }
    n.div_ceil(scale) * scale
}

/// `48 KiB`, `480 MiB`, `1.5 GiB`: bytes in the largest binary unit they reach.
pub fn format_bytes(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in units {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} B")
}
