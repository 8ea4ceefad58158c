//! Templates may leave a trailing comma before `}` or `]` (conditional
//! entries make them hard to avoid); this removes them before parsing.

pub fn strip_trailing_commas(s: &str) -> String {
    // Bytes, not chars: every byte the scan looks for is ASCII, and no byte
    // of a multi-byte UTF-8 character is.
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    // Where in `out` the last comma is, while only whitespace follows it.
    let mut comma: Option<usize> = None;
    for &b in s.as_bytes() {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
        } else if b == b'}' || b == b']' {
            if let Some(at) = comma.take() {
                out.remove(at);
            }
        } else if !b.is_ascii_whitespace() {
            comma = (b == b',').then_some(out.len());
            in_str = b == b'"';
        }
        out.push(b);
    }
    // Only ASCII commas were removed, so the bytes are still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::strip_trailing_commas as s;

    #[test]
    fn strips_only_outside_strings() {
        assert_eq!(s("{\"a\": 1,\n}"), "{\"a\": 1\n}");
        assert_eq!(s("[1, 2, ]"), "[1, 2 ]");
        assert_eq!(s("{\"a\": \",}\"}"), "{\"a\": \",}\"}");
        assert_eq!(s("[1,,]"), "[1,]");
        assert_eq!(s("{\"é\": \"ü,\",\n}"), "{\"é\": \"ü,\"\n}");
    }
}
