//! Formatting is idempotent and keeps every comment: whatever parses
//! formats to text that parses, formats to itself, and has as many
//! comments.
#![no_main]

use cairn::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = cairn::syntax::fmt::format(text, FileId(0)) else {
        return;
    };
    let twice = cairn::syntax::fmt::format(&once, FileId(0));
    assert_eq!(twice.as_deref(), Ok(once.as_str()), "not idempotent");
    let comments = |t: &str| cairn::syntax::parse(t, FileId(0)).0.comments.len();
    assert_eq!(comments(text), comments(&once), "a comment was lost");
});
