//! Which vector instructions the running CPU has. The bulk paths that test every slot they
//! write (a GC table's fill and copy through its store, which must look at what they overwrite)
//! and the encoding of a segment are compiled three times: for the target's baseline (SSE2 on
//! x86-64), with AVX2, which tests twice as many slots per instruction, and with AVX-512, which
//! stores a whole cache line per instruction and tests with three-input logic, and
//! [`vector_width`] chooses between them at run time. Where the work is cheap next to the memory
//! it walks (large ranges) they run alike; in cache, the instructions are the work.

/// The widest vector instructions this CPU and its operating system support, narrowest first
/// (each width's CPUs have the narrower ones too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum VectorWidth {
    /// The target's baseline (SSE2 on x86-64; every other architecture).
    Baseline,
    /// AVX2: 256-bit integer vectors.
    Avx2,
    /// AVX-512 Foundation: 512-bit vectors and mask registers.
    Avx512,
}

impl VectorWidth {
    /// Every width, narrowest first.
    pub(crate) const ALL: [VectorWidth; 3] = [
        VectorWidth::Baseline,
        VectorWidth::Avx2,
        VectorWidth::Avx512,
    ];

    /// The widths this CPU can run: [`vector_width`] and every narrower one.
    #[cfg(test)]
    pub(crate) fn usable() -> impl Iterator<Item = VectorWidth> {
        VectorWidth::ALL
            .into_iter()
            .filter(|&width| width <= vector_width())
    }
}

/// The widest vector instructions usable here, detected once ([`VectorWidth::Baseline`] off
/// x86-64).
#[inline]
pub(crate) fn vector_width() -> VectorWidth {
    #[cfg(target_arch = "x86_64")]
    {
        x86_64::vector_width()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        VectorWidth::Baseline
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_64 {
    use super::VectorWidth;
    use core::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
    use core::sync::atomic::{AtomicU8, Ordering};

    /// Not yet known (0), else one more than the index in [`VectorWidth::ALL`] of the width
    /// found: detected once, by the first caller.
    static WIDTH: AtomicU8 = AtomicU8::new(0);

    #[inline]
    pub(super) fn vector_width() -> VectorWidth {
        match WIDTH.load(Ordering::Relaxed) {
            0 => detect(),
            known => VectorWidth::ALL[usize::from(known - 1) % VectorWidth::ALL.len()],
        }
    }

    #[cold]
    fn detect() -> VectorWidth {
        let width = usable();
        let index = VectorWidth::ALL
            .iter()
            .position(|&known| known == width)
            .unwrap_or(0);
        WIDTH.store(index as u8 + 1, Ordering::Relaxed);
        width
    }

    /// CPUID says the CPU has AVX and AVX2 (and AVX-512F) and that the OS saves their
    /// registers (OSXSAVE set; XCR0 with the SSE and AVX state bits, and for AVX-512 the opmask
    /// and both ZMM state bits): what `is_x86_feature_detected!` checks, which `no_std` cannot
    /// call.
    fn usable() -> VectorWidth {
        // CPUID exists on every x86-64 processor; leaf 0 gives the highest leaf, leaf 1 the
        // AVX and OSXSAVE bits.
        let highest = __cpuid(0).eax;
        let features = __cpuid(1).ecx;
        let (osxsave, avx) = (features & 1 << 27 != 0, features & 1 << 28 != 0);
        if !(osxsave && avx) || highest < 7 {
            return VectorWidth::Baseline;
        }
        // SAFETY: OSXSAVE is set, so the OS has enabled XGETBV (the `xsave` feature the
        // intrinsic requires).
        let xcr0 = unsafe { xcr0() };
        let extended = __cpuid_count(7, 0).ebx;
        let (avx2, avx512f) = (extended & 1 << 5 != 0, extended & 1 << 16 != 0);
        if xcr0 & 0b110 != 0b110 || !avx2 {
            VectorWidth::Baseline
        } else if avx512f && xcr0 & 0b1110_0000 == 0b1110_0000 {
            VectorWidth::Avx512
        } else {
            VectorWidth::Avx2
        }
    }

    /// The XCR0 register.
    ///
    /// # Safety
    ///
    /// The OS must have enabled XGETBV (CPUID leaf 1 reports OSXSAVE).
    #[target_feature(enable = "xsave")]
    unsafe fn xcr0() -> u64 {
        // SAFETY: the caller checked OSXSAVE; XCR0 is readable at any privilege level then.
        unsafe { _xgetbv(0) }
    }
}

#[cfg(test)]
mod tests {
    use super::{VectorWidth, vector_width};

    #[test]
    fn the_answer_is_the_same_each_time_it_is_asked() {
        let first = vector_width();
        assert_eq!(vector_width(), first);
    }

    /// The detection agrees with the standard library's.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_answer_is_the_standard_librarys() {
        extern crate std;
        let expected = if std::is_x86_feature_detected!("avx512f") {
            VectorWidth::Avx512
        } else if std::is_x86_feature_detected!("avx2") {
            VectorWidth::Avx2
        } else {
            VectorWidth::Baseline
        };
        assert_eq!(vector_width(), expected);
    }
}
