//! The last-level cache is read from sysfs's `level`, `type` and `size` files, and the table
//! size beyond it is the smallest two-significant-digit element count whose slots take at least
//! twice its bytes.

use std::path::PathBuf;
use table_bench::cache::{
    ASSUMED_LAST_LEVEL_BYTES, BEYOND_FACTOR, Cache, CacheType, Caches, elements_beyond, parse_size,
    round_up_to_two_digits,
};

const MIB: u64 = 1 << 20;

#[test]
fn sysfs_sizes_are_read_in_kibibytes_or_with_their_unit() {
    let cases = [
        ("48K\n", Some(48 << 10)),
        ("491520K", Some(480 * MIB)),
        ("2048K", Some(2 * MIB)),
        ("8M", Some(8 * MIB)),
        ("1G", Some(1 << 30)),
        ("512", Some(512)),
        ("", None),
        ("K", None),
        ("12Q", None),
    ];
    for (size, bytes) in cases {
        assert_eq!(parse_size(size), bytes, "{size:?}");
    }
}

#[test]
fn one_cache_is_its_level_type_and_size() {
    assert_eq!(
        Cache::parse("3\n", "Unified\n", "491520K\n"),
        Some(Cache {
            level: 3,
            kind: CacheType::Unified,
            bytes: 480 * MIB,
        })
    );
    assert_eq!(
        Cache::parse("1", "Instruction", "64K").map(|c| c.name()),
        Some("L1i".into())
    );
    assert_eq!(Cache::parse("x", "Data", "48K"), None);
    assert_eq!(Cache::parse("1", "Trace", "48K"), None);
}

/// The contents of one cache's `level`, `type` and `size` files.
type Entry = (&'static str, &'static str, &'static str);

/// The last level is the highest level that holds data; instruction caches never count, even
/// where one is the highest or the largest.
#[test]
fn the_last_level_is_the_highest_level_that_holds_data() {
    let cases: [(&[Entry], Option<u64>); 5] = [
        (
            &[
                ("1", "Data", "48K"),
                ("1", "Instruction", "64K"),
                ("2", "Unified", "2048K"),
                ("3", "Unified", "491520K"),
            ],
            Some(480 * MIB),
        ),
        // Listed out of order, and an L2 larger than the L3 (as a victim L3 may be).
        (
            &[
                ("3", "Unified", "8192K"),
                ("2", "Unified", "16384K"),
                ("1", "Data", "32K"),
            ],
            Some(8 * MIB),
        ),
        (
            &[("1", "Data", "32K"), ("1", "Instruction", "64K")],
            Some(32 << 10),
        ),
        (
            &[("1", "Data", "32K"), ("2", "Instruction", "4M")],
            Some(32 << 10),
        ),
        (&[("1", "Instruction", "64K")], None),
    ];
    for (entries, last_level) in cases {
        let caches = Caches::from_entries(entries.iter().copied());
        assert_eq!(
            caches.last_level().map(|cache| cache.bytes),
            last_level,
            "{entries:?}"
        );
    }
}

#[test]
fn without_a_described_cache_a_last_level_is_assumed_and_said_to_be() {
    let caches = Caches::from_entries([]);
    assert_eq!(caches.last_level(), None);
    assert_eq!(caches.last_level_bytes(), ASSUMED_LAST_LEVEL_BYTES);
    assert_eq!(
        caches.beyond_last_level(4),
        elements_beyond(ASSUMED_LAST_LEVEL_BYTES, 4)
    );
    assert!(
        caches.describe().contains("is assumed"),
        "{}",
        caches.describe()
    );
    let missing = std::env::temp_dir().join("table-bench-no-such-sysfs");
    assert_eq!(Caches::read(&missing), Caches::default());
}

#[test]
fn counts_round_up_to_two_significant_digits() {
    let cases = [
        (7, 7),
        (99, 99),
        (100, 100),
        (101, 110),
        (251_658_240, 260_000_000),
        (260_000_000, 260_000_000),
        (995, 1_000),
    ];
    for (count, rounded) in cases {
        assert_eq!(round_up_to_two_digits(count), rounded, "{count}");
    }
}

/// The size beyond a cache per slot size: at least twice the cache's bytes, and the next
/// smaller two-digit count would not be.
#[test]
fn the_size_beyond_the_last_level_is_the_smallest_round_count_of_twice_its_bytes() {
    let cases = [
        (480 * MIB, 4, 260_000_000),
        (480 * MIB, 8, 130_000_000),
        (480 * MIB, 16, 63_000_000),
        (8 * MIB, 4, 4_200_000),
        (8 * MIB, 8, 2_100_000),
        (8 * MIB, 16, 1_100_000),
        (32 * MIB, 4, 17_000_000),
    ];
    for (cache, slot, elements) in cases {
        let found = elements_beyond(cache, slot);
        assert_eq!(found, elements, "{cache} B, {slot}-byte slots");
        assert!(found * slot as u64 >= BEYOND_FACTOR * cache);
        let step = 10u64.pow(found.ilog10() - 1);
        assert!((found - step) * (slot as u64) < BEYOND_FACTOR * cache);
    }
}

/// A directory laid out as `/sys/devices/system/cpu/cpu0/cache`, with `index<N>` directories.
struct FakeSysfs(PathBuf);

impl FakeSysfs {
    fn new(name: &str, indices: &[(&str, &str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("table-bench-{name}-{}", std::process::id()));
        for (index, (level, kind, size)) in indices.iter().enumerate() {
            let index = dir.join(format!("index{index}"));
            std::fs::create_dir_all(&index).expect("fake sysfs");
            for (file, text) in [("level", level), ("type", kind), ("size", size)] {
                std::fs::write(index.join(file), format!("{text}\n")).expect("fake sysfs file");
            }
        }
        std::fs::write(dir.join("uevent"), "").expect("a file that is no index");
        FakeSysfs(dir)
    }
}

impl Drop for FakeSysfs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_caches_are_read_from_the_index_directories() {
    let sysfs = FakeSysfs::new(
        "sysfs",
        &[
            ("1", "Data", "48K"),
            ("1", "Instruction", "64K"),
            ("2", "Unified", "2048K"),
            ("3", "Unified", "8192K"),
        ],
    );
    // An index with a file missing is skipped.
    std::fs::create_dir_all(sysfs.0.join("index9")).expect("incomplete index");
    let caches = Caches::read(&sysfs.0);
    assert_eq!(caches.caches().len(), 4);
    assert_eq!(caches.last_level_bytes(), 8 * MIB);
    assert_eq!(caches.beyond_last_level(4), 4_200_000);
    assert_eq!(
        caches.describe(),
        "L1d 48 KiB, L1i 64 KiB, L2 2 MiB, L3 8 MiB (cpu0, from sysfs)"
    );
}
