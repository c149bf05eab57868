//! Finding slots by a property, at memory speed: the scan behind lazy funcref resolution and the
//! GC barrier's "no heap reference here" fast path.

/// Slots tested together: large enough to vectorise the test, small enough that the block with a
/// hit is searched again cheaply.
const BLOCK: usize = 64;

/// The offset of the first of `slots` for which `matches` holds.
///
/// Each block is tested with a branch-free fold, which the compiler vectorises for simple tests;
/// only the block that holds a match is searched slot by slot. An early-exit search
/// (`iter().position`) runs one slot per iteration instead.
#[inline]
pub fn first_matching<T>(slots: &[T], matches: impl Fn(&T) -> bool) -> Option<usize> {
    let mut base = 0;
    for block in slots.chunks(BLOCK) {
        if block
            .iter()
            .fold(false, |found, slot| found | matches(slot))
        {
            return block.iter().position(&matches).map(|offset| base + offset);
        }
        base += block.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::first_matching;

    #[test]
    fn finds_the_first_match_on_either_side_of_block_edges() {
        for hit in [0, 1, 63, 64, 65, 127, 128, 299] {
            let mut slots = [0u32; 300];
            slots[hit] = 1;
            slots[299] = 1;
            assert_eq!(first_matching(&slots, |s| *s != 0), Some(hit), "hit {hit}");
        }
        assert_eq!(first_matching(&[0u32; 300], |s| *s != 0), None);
        assert_eq!(first_matching::<u32>(&[], |s| *s != 0), None);
    }
}
