//! Templates may leave a trailing comma before `}` or `]` (conditional
//! entries make them hard to avoid); this removes them before parsing.

pub fn strip_trailing_commas(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    // Where in `out` the last comma is, while only whitespace follows it.
    let mut comma: Option<usize> = None;
    for c in s.chars() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '}' || c == ']' {
            if let Some(at) = comma.take() {
                out.remove(at);
            }
        } else if !c.is_whitespace() {
            comma = (c == ',').then_some(out.len());
            in_str = c == '"';
        }
        out.push(c);
    }
    out
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
    }
}
