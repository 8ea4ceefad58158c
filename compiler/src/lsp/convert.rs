//! Byte offsets to LSP positions and back. LSP counts columns in UTF-16
//! code units; Cairn's spans are byte offsets.

use lsp_types::{Position, Range};

/// Where each line starts, so that converting many offsets of one text
/// costs a binary search each, not a scan from the start.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col: usize = self
            .text
            .get(start..offset)
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }
}

/// Byte offset to position (one conversion; use [`Lines`] for many).
pub fn position(text: &str, offset: usize) -> Position {
    Lines::new(text).position(offset)
}

/// Position to byte offset (clamped to the line's end and the text's end).
pub fn offset(text: &str, p: Position) -> usize {
    let mut start = 0;
    for _ in 0..p.line {
        match text.get(start..).and_then(|t| t.find('\n')) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line = text.get(start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= p.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line.len()
}

pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range::new(position(text, start), position(text, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_units_and_round_trip() {
        let text = "a = \"é😀\"\nb = 1\n";
        let b = text.find('b').unwrap_or(0);
        assert_eq!(position(text, b), Position::new(1, 0));
        let after_emoji = text
            .find('"')
            .map_or(0, |q| q + 1 + 'é'.len_utf8() + '😀'.len_utf8());
        assert_eq!(position(text, after_emoji), Position::new(0, 8));
        assert_eq!(offset(text, Position::new(0, 8)), after_emoji);
        assert_eq!(offset(text, Position::new(1, 99)), text.len() - 1);
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }
}
