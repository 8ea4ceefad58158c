//! Any text goes through the whole pipeline (resolve, graph, check, lower,
//! emit) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = cairn::source::Sources::new();
    let files = vec![sources.add("fuzz.cairn", text)];
    let _ = cairn::compile(cairn::Input {
        sources,
        files,
        params: Default::default(),
        param_exprs: Default::default(),
        default_name: "fuzz".into(),
        loader: None,
    });
});
