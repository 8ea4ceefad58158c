//! Any bytes, as UTF-8 text, parse to a tree and diagnostics: no panic, no
//! stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cairn::syntax::parse(text, cairn::source::FileId(0));
    }
});
