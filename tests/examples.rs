//! Every example under `examples/` builds without errors, and its output is
//! snapshotted with its sources.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{compile_path, examples, program_files, snapshot};

#[test]
fn examples_build() {
    let all = examples();
    assert!(all.len() >= 2, "at least two examples");
    for (name, dir) in all {
        let c = compile_path(&dir);
        assert!(
            !c.has_errors(),
            "{name} must build:\n{}",
            cairn_tests::rendered_diagnostics(&c)
        );
        insta::assert_snapshot!(name, snapshot(&c, &program_files(&dir)));
    }
}
