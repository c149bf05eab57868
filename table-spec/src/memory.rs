//! Linear memory: enough of it for the table scripts' modules that also use memory
//! (`bulk.wast`, the `spectest` module) to run instead of being skipped.

use wasmtime_environ::Trap;
use wasmtime_environ::wasmparser::MemoryType;

const PAGE: u64 = 65536;
/// Memories never grow past this many bytes here; beyond it `memory.grow` returns -1, which
/// the specification allows for any growth.
const RUNNER_LIMIT: u64 = 1 << 30;

/// A memory instance.
#[derive(Debug)]
pub struct Memory {
    bytes: Vec<u8>,
    declared_maximum: Option<u64>,
    memory64: bool,
}

impl Memory {
    /// A zeroed memory of the type's minimum size, or `None` when that is beyond the runner's
    /// limit.
    pub fn new(ty: &MemoryType) -> Option<Memory> {
        let bytes = ty
            .initial
            .checked_mul(PAGE)
            .filter(|b| *b <= RUNNER_LIMIT)?;
        Some(Memory {
            bytes: vec![0; usize::try_from(bytes).ok()?],
            declared_maximum: ty.maximum,
            memory64: ty.memory64,
        })
    }

    /// Whether addresses are 64-bit.
    pub fn is_64(&self) -> bool {
        self.memory64
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.bytes.len() as u64 / PAGE
    }

    /// The declared maximum in pages, as import matching compares it.
    pub fn declared_maximum(&self) -> Option<u64> {
        self.declared_maximum
    }

    /// The maximum in pages: declared, or the index type's limit.
    pub fn maximum_pages(&self) -> u64 {
        let implicit = if self.memory64 { 1 << 48 } else { 1 << 16 };
        self.declared_maximum.unwrap_or(implicit)
    }

    /// `memory.grow`: the old size in pages, or `None`.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old
            .checked_add(delta)
            .filter(|n| *n <= self.maximum_pages())?;
        let bytes = new.checked_mul(PAGE).filter(|b| *b <= RUNNER_LIMIT)?;
        self.bytes.resize(usize::try_from(bytes).ok()?, 0);
        Some(old)
    }

    fn range(&self, address: u64, len: u64) -> Result<std::ops::Range<usize>, Trap> {
        match address.checked_add(len) {
            Some(end) if end <= self.bytes.len() as u64 => Ok(address as usize..end as usize),
            _ => Err(Trap::MemoryOutOfBounds),
        }
    }

    /// Reads `N` little-endian bytes at `address + offset`.
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn load<const N: usize>(&self, address: u64, offset: u64) -> Result<[u8; N], Trap> {
        let address = address.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
        let range = self.range(address, N as u64)?;
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[range]);
        Ok(out)
    }

    /// Writes `bytes` at `address + offset`.
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn store(&mut self, address: u64, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        let address = address.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
        let range = self.range(address, bytes.len() as u64)?;
        self.bytes[range].copy_from_slice(bytes);
        Ok(())
    }

    /// `memory.fill`
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn fill(&mut self, dst: u64, value: u8, len: u64) -> Result<(), Trap> {
        let range = self.range(dst, len)?;
        self.bytes[range].fill(value);
        Ok(())
    }

    /// `memory.copy` within one memory.
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), Trap> {
        let src = self.range(src, len)?;
        let dst = self.range(dst, len)?;
        self.bytes.copy_within(src, dst.start);
        Ok(())
    }

    /// The bytes of `[src, src + len)`, for a copy between memories.
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn read(&self, src: u64, len: u64) -> Result<Vec<u8>, Trap> {
        Ok(self.bytes[self.range(src, len)?].to_vec())
    }

    /// Writes `data` at `dst` after checking the whole range (`memory.init` and copies).
    ///
    /// # Errors
    ///
    /// [`Trap::MemoryOutOfBounds`].
    pub fn write(&mut self, dst: u64, data: &[u8]) -> Result<(), Trap> {
        let range = self.range(dst, data.len() as u64)?;
        self.bytes[range].copy_from_slice(data);
        Ok(())
    }
}
