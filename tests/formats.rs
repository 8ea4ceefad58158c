//! The machine-readable diagnostic formats are an interface: their shape is
//! snapshotted (docs/diagnostics-json.md documents it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::diagnostics::machine::{to_github, to_json};
use cairn_tests::{compile_path, repo_root};

#[test]
fn json_and_github_shapes() {
    let c = compile_path(&repo_root().join("tests/cases/errors/E0216-network-zones.cairn"));
    let json = cairn::emit::pretty(&to_json(&c.diagnostics, &c.sources));
    insta::assert_snapshot!("diagnostics-json", json);
    insta::assert_snapshot!("diagnostics-github", to_github(&c.diagnostics, &c.sources));
}
