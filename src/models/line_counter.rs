//! Line numbers in an uploaded CSV file, for messages that name the line to fix.

/// Line numbers from the reader's byte offsets. The csv crate's own line numbers miss
/// blank lines and count CRLF wrongly, and a record's offset may point at the line break
/// before it, so line breaks are skipped first. Offsets only grow, so counting is linear.
pub struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Counts lines in `text`, from the first.
    pub fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line on which the record whose offset is `byte` starts.
    pub fn at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while self
            .text
            .get(start)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            start += 1;
        }
        if start > self.offset {
            let newlines = self.text[self.offset..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = start;
        }
        self.line
    }
}
