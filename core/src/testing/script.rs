//! A fuzzer's byte string read as a script: one byte, a few bytes or a short text at a
//! time, zeros once it runs out.

/// Reads bytes one at a time, zero when exhausted.
pub struct Script<'a>(pub &'a [u8]);

impl Script<'_> {
    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    /// The next `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head.to_vec()
    }

    /// A short text (up to 31 bytes, made valid UTF-8).
    pub fn text(&mut self) -> String {
        let n = usize::from(self.byte() % 32);
        String::from_utf8_lossy(&self.bytes(n)).into_owned()
    }

    /// Whether the script is used up.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
