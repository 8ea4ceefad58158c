//! Every file under `tests/cases/` is a test; its folder says what it must
//! do. `ok/` must compile (snapshot: source, warnings, templates,
//! manifests). `errors/E0201-name.cairn` must fail with code E0201 among
//! its diagnostics, with no output (snapshot: source and diagnostics).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{check_path, compile_path, snapshot};

#[test]
fn ok_cases_compile() {
    insta::glob!("cases/ok/*.cairn", |path| {
        let c = compile_path(path);
        assert!(
            !c.has_errors(),
            "{} must compile:\n{}",
            path.display(),
            cairn_tests::rendered_diagnostics(&c)
        );
        insta::assert_snapshot!(snapshot(&c, &[path.to_path_buf()]));
    });
}

#[test]
fn error_cases_fail_with_their_code() {
    insta::glob!("cases/errors/*.cairn", |path| {
        let c = compile_path(path);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let code = stem.split('-').next().unwrap().to_string();
        assert!(c.has_errors(), "{stem} must fail");
        assert!(c.output.is_none(), "{stem} must produce no output");
        assert!(
            c.diagnostics.iter().any(|d| d.code.id == code),
            "{stem} must report {code}, got:\n{}",
            cairn_tests::rendered_diagnostics(&c)
        );
        for d in &c.diagnostics {
            assert!(
                !d.labels.is_empty() || d.code.id == "E0107",
                "{stem}: `{}` has no location",
                d.message
            );
            assert!(d.help.is_some(), "{stem}: `{}` has no help", d.message);
        }
        insta::assert_snapshot!(snapshot(&c, &[path.to_path_buf()]));
    });
}

/// `cairn check` stops before the templates, and still reports everything
/// `build` does about the program: only what the stacks the templates fill
/// can tell (logical ID clashes, quotas) is left to `build`.
#[test]
fn check_reports_what_build_reports_but_stack_quotas() {
    let stack_level = ["E0401", "E0402", "E0403", "W0003"];
    let mut n = 0;
    for dir in ["ok", "errors"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("cases/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "cairn"))
            .collect();
        paths.sort();
        for path in paths {
            let shown = |c: &cairn::Compilation| -> Vec<String> {
                c.diagnostics
                    .iter()
                    .filter(|d| !stack_level.contains(&d.code.id))
                    .map(|d| {
                        format!(
                            "{} {} {:?}",
                            d.code.id,
                            d.message,
                            d.labels.first().map(|l| l.span)
                        )
                    })
                    .collect()
            };
            let built = compile_path(&path);
            let checked = check_path(&path);
            assert_eq!(shown(&checked), shown(&built), "{}", path.display());
            assert!(checked.output.is_none(), "check writes nothing");
            assert!(
                checked
                    .diagnostics
                    .iter()
                    .all(|d| !stack_level.contains(&d.code.id)),
                "{}: check reported a stack-level diagnostic",
                path.display()
            );
            n += 1;
        }
    }
    assert!(n > 150, "only {n} cases");
}

/// The brief's normative programs, verbatim (`ok/language-*.cairn`): besides
/// compiling, they must raise no warning at all.
#[test]
fn brief_programs_compile_without_any_diagnostic() {
    insta::glob!("cases/ok/language-*.cairn", |path| {
        let c = compile_path(path);
        // The brief pins Kubernetes 1.31, current when it was written; the
        // version table now warns that EKS has retired it (W0006). Nothing
        // else may be said about the brief's programs.
        let others: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| d.code.id != "W0006")
            .collect();
        assert!(
            others.is_empty(),
            "{}:
{}",
            path.display(),
            cairn_tests::rendered_diagnostics(&c)
        );
    });
}

/// Issue 14's measure: eksctl's examples translated in full. A translation
/// says `// Left out: nothing.`, or names in parentheses the one kind of
/// thing it leaves (`// Left out (Outposts are outside Cairn's scope): ...`):
/// Outposts, hybrid nodes, EKS capabilities, identity mappings that access
/// entries replace, and Kubernetes versions EKS no longer creates.
#[test]
fn at_least_forty_eksctl_examples_are_fully_expressed() {
    let dir = cairn_tests::repo_root().join("tests/cases/ok");
    let allowed = [
        "(Outposts",
        "(hybrid nodes",
        "(EKS capabilities",
        "(identity mappings",
        "(EKS no longer creates",
    ];
    let mut full = vec![];
    let mut partial = vec![];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("eksctl-") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let left = text
            .lines()
            .find(|l| l.starts_with("// Left out"))
            .unwrap_or_else(|| panic!("{name} has no `// Left out` line"));
        let rest = left.trim_start_matches("// Left out").trim_start();
        if rest.starts_with(": nothing") || allowed.iter().any(|a| rest.starts_with(a)) {
            full.push(name);
        } else {
            partial.push(name);
        }
    }
    assert!(
        full.len() >= 40,
        "{} fully expressed; still partial: {}",
        full.len(),
        partial.join(", ")
    );
    // The one left partial on purpose: Flux's bootstrap creates a GitHub
    // repository and pushes to it, which no CloudFormation template does.
    partial.sort();
    assert_eq!(
        partial,
        ["eksctl-12-gitops-toolkit.cairn"],
        "{} full",
        full.len()
    );
}
