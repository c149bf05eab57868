//! Which vector instructions the running CPU has. The bulk paths that test every slot they
//! write (a GC table's fill and copy through its store, which must look at what they overwrite)
//! are compiled twice: for the target's baseline (SSE2 on x86-64) and with AVX2, which tests
//! twice as many slots per instruction, and [`has_avx2`] chooses between them at run time.
//! Where the test is cheap next to the memory it walks (large ranges) the two run alike; in
//! cache, the test is the work.

/// Whether this CPU and its operating system support AVX2 (always `false` off x86-64).
#[inline]
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        x86_64::has_avx2()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_64 {
    use core::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
    use core::sync::atomic::{AtomicU8, Ordering};

    /// Not yet known (0), absent (1) or present (2): detected once, by the first caller.
    static AVX2: AtomicU8 = AtomicU8::new(0);

    #[inline]
    pub(super) fn has_avx2() -> bool {
        match AVX2.load(Ordering::Relaxed) {
            0 => detect(),
            state => state == 2,
        }
    }

    #[cold]
    fn detect() -> bool {
        let present = avx2_usable();
        AVX2.store(if present { 2 } else { 1 }, Ordering::Relaxed);
        present
    }

    /// CPUID says the CPU has AVX and AVX2 and that the OS saves the YMM registers (OSXSAVE
    /// set, XCR0 with the SSE and AVX state bits): what `is_x86_feature_detected!("avx2")`
    /// checks, which `no_std` cannot call.
    fn avx2_usable() -> bool {
        // CPUID exists on every x86-64 processor; leaf 0 gives the highest leaf, leaf 1 the
        // AVX and OSXSAVE bits.
        let highest = __cpuid(0).eax;
        let features = __cpuid(1).ecx;
        let (osxsave, avx) = (features & 1 << 27 != 0, features & 1 << 28 != 0);
        if !(osxsave && avx) || highest < 7 {
            return false;
        }
        // SAFETY: OSXSAVE is set, so the OS has enabled XGETBV (the `xsave` feature the
        // intrinsic requires).
        let xcr0 = unsafe { xcr0() };
        xcr0 & 0b110 == 0b110 && __cpuid_count(7, 0).ebx & 1 << 5 != 0
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
    #[test]
    fn the_answer_is_the_same_each_time_it_is_asked() {
        let first = super::has_avx2();
        assert_eq!(super::has_avx2(), first);
    }
}
