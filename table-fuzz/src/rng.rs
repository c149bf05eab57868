//! Where a scenario's choices come from: a seeded generator (SplitMix64), so every run replays
//! from its seed without a dependency, or the bytes of a coverage-guided fuzzer's input, so the
//! fuzzer steers the same scenarios by mutating bytes.

/// A source of choices: seeded random numbers, or a fuzzer's input read front to back.
#[derive(Debug, Clone)]
pub struct Rng {
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    /// SplitMix64: fast, full-period over 2^64 seeds, good enough to drive operation choices.
    Seeded(u64),
    /// Input bytes; past the end every choice is 0 and the source reports itself exhausted.
    Bytes { data: Vec<u8>, next: usize },
}

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng {
            source: Source::Seeded(seed),
        }
    }

    /// Choices read from `data`: each takes as few bytes as its range needs (one byte for a
    /// choice among at most 256), so a fuzzer's byte mutations map to nearby scenarios.
    pub fn from_bytes(data: &[u8]) -> Self {
        Rng {
            source: Source::Bytes {
                data: data.to_vec(),
                next: 0,
            },
        }
    }

    /// Whether a byte source has been read to its end (a seeded source never is).
    pub fn is_exhausted(&self) -> bool {
        match &self.source {
            Source::Seeded(_) => false,
            Source::Bytes { data, next } => *next >= data.len(),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.next_bits(8)
    }

    /// A number in `0..bound` (`bound > 0`).
    pub fn below(&mut self, bound: u64) -> u64 {
        let bytes = (u64::BITS - (bound - 1).leading_zeros()).div_ceil(8);
        self.next_bits(bytes as usize) % bound
    }

    /// True with probability `numerator / denominator`.
    pub fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// 64 random bits from a seeded source; `bytes` bytes (little-endian) from a byte source.
    fn next_bits(&mut self, bytes: usize) -> u64 {
        match &mut self.source {
            Source::Seeded(state) => {
                *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            }
            Source::Bytes { data, next } => {
                let mut value = 0u64;
                for shift in 0..bytes {
                    let byte = data.get(*next).copied().unwrap_or(0);
                    *next += 1;
                    value |= u64::from(byte) << (8 * shift);
                }
                value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn byte_source_reads_one_byte_per_small_choice_then_zeros() {
        let mut rng = Rng::from_bytes(&[7, 0x34, 0x12, 200]);
        assert_eq!(rng.below(10), 7);
        assert_eq!(rng.below(1 << 16), 0x1234);
        assert!(!rng.is_exhausted());
        assert!(rng.chance(1, 2) == (200 % 2 < 1));
        assert!(rng.is_exhausted());
        assert_eq!(rng.below(256), 0);
    }

    #[test]
    fn seeded_source_replays_from_its_seed() {
        let draws = |seed| {
            let mut rng = Rng::new(seed);
            (0..4).map(|_| rng.below(1000)).collect::<Vec<_>>()
        };
        assert_eq!(draws(42), draws(42));
        assert_ne!(draws(42), draws(43));
        assert!(!Rng::new(1).is_exhausted());
    }
}
