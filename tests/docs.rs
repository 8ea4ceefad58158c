//! Generated documents are committed and must not drift from their source:
//! `docs/stdlib.md` from the stdlib schemas. `CAIRN_BLESS=1` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cairn::schema::{reference, Stdlib};
use cairn_tests::repo_root;

#[test]
fn stdlib_reference_is_current() {
    let lib = Stdlib::get().unwrap();
    let want = reference::markdown(lib);
    let path = repo_root().join("docs/stdlib.md");
    if std::env::var("CAIRN_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/stdlib.md is stale: run `CAIRN_BLESS=1 cargo test -p cairn-tests --test docs` and commit it");
}

/// Every `cairn` code block in the README and the language guide is a whole
/// program that compiles.
#[test]
fn documented_programs_compile() {
    for doc in ["README.md", "docs/language.md"] {
        let text = std::fs::read_to_string(repo_root().join(doc)).unwrap();
        let mut blocks = text.split("```cairn\n").skip(1);
        let mut n = 0;
        for block in blocks.by_ref() {
            let program = block.split("```").next().unwrap();
            let c = cairn_tests::compile_text(doc, program);
            assert!(
                !c.has_errors(),
                "a program in {doc} does not compile:\n{}",
                cairn_tests::rendered_diagnostics(&c)
            );
            n += 1;
        }
        assert!(n > 0 || doc != "README.md", "{doc} shows no program");
    }
}
