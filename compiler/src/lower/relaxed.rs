//! Templates may leave a trailing comma before `}` or `]` (conditional
//! entries make them hard to avoid); this removes them before parsing.

pub fn strip_trailing_commas(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    let mut pending_comma: Option<String> = None;
    for c in s.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if let Some(buf) = pending_comma.as_mut() {
            if c.is_whitespace() {
                buf.push(c);
                continue;
            }
            let buf = pending_comma.take().unwrap_or_default();
            if c == '}' || c == ']' {
                out.push_str(buf.trim_start_matches(','));
            } else {
                out.push_str(&buf);
            }
        }
        match c {
            ',' => pending_comma = Some(String::from(",")),
            '"' => {
                in_str = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if let Some(buf) = pending_comma {
        out.push_str(&buf);
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
