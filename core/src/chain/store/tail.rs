//! The chain file's open end: an append adds whole lines or nothing. What a failed
//! append (a full disk, an I/O error) left in the file is cut off again — at once, or
//! before the next append if even that fails — so a torn line is never followed by
//! good ones.

use std::fs::File;
use std::io::{self, Write};

/// What the tail needs of its file. A trait object, so that tests can put a file that
/// fails in the real one's place.
pub(super) trait LogFile: Send + std::fmt::Debug {
    /// Writes all of `bytes` at the end.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Makes what was written durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts the file to `len` bytes.
    fn truncate(&mut self, len: u64) -> io::Result<()>;
}

impl LogFile for File {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write_all(bytes)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }

    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)
    }
}

/// An append-only file of whole lines.
#[derive(Debug)]
pub(super) struct Tail {
    file: Box<dyn LogFile>,
    /// Where the last whole line ends.
    len: u64,
    /// Whether bytes of a failed append may still follow `len`.
    torn: bool,
}

impl Tail {
    /// The end of `file`, whose first `len` bytes are whole lines (opened for appending).
    pub(super) fn new(file: impl LogFile + 'static, len: u64) -> Self {
        Self { file: Box::new(file), len, torn: false }
    }

    /// Appends `lines` (each ending in `\n`) and syncs them; on failure the file is
    /// left as it was.
    pub(super) fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        if self.torn {
            self.cut()?;
        }
        match self.file.append(lines).and_then(|()| self.file.sync()) {
            Ok(()) => {
                self.len += lines.len() as u64;
                Ok(())
            }
            Err(error) => {
                // The append's own error is the one to report; a failed cut is retried.
                let _ = self.cut();
                Err(error)
            }
        }
    }

    /// Cuts whatever follows the last whole line.
    fn cut(&mut self) -> io::Result<()> {
        self.torn = true;
        self.file.truncate(self.len)?;
        self.file.sync()?;
        self.torn = false;
        Ok(())
    }
}
