//! Outside oracles over everything the suite builds (ok cases and
//! examples): cfn-lint must report no error, checkov must report no
//! failed check except those in `tests/checkov-skips.json`, each with a
//! reason, and kubernetes-validate must accept every manifest strictly.
//! Locally a missing tool skips with a note; under CI it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{buildable_programs, compile_path, oracle, repo_root, write_output};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build_all(dir: &Path) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    let mut templates = vec![];
    for (name, path) in buildable_programs() {
        let c = compile_path(&path);
        assert!(!c.has_errors(), "{name} must build");
        let out = dir.join(&name);
        write_output(&c, &out);
        for rel in c
            .output
            .as_ref()
            .unwrap()
            .files
            .keys()
            .filter(|f| f.ends_with(".template.json"))
        {
            templates.push(out.join(rel));
        }
    }
    templates
}

#[test]
fn cfn_lint_finds_no_error_in_any_template() {
    let Some(lint) = oracle("cfn-lint") else {
        eprintln!("note: cfn-lint is not installed; run `bash tests/run` to install it");
        return;
    };
    let dir = repo_root().join("target/oracles/cfn-lint");
    let templates = build_all(&dir);
    assert!(templates.len() >= buildable_programs().len());
    let out = Command::new(lint)
        .arg("--format")
        .arg("parseable")
        .args(&templates)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let report = String::from_utf8_lossy(&out.stdout);
    if !report.trim().is_empty() {
        eprintln!("cfn-lint said:\n{report}");
    }
    // cfn-lint's exit status is a bit mask: 2 means errors.
    assert!(
        code >= 0 && code & 2 == 0,
        "cfn-lint found errors (exit {code}):\n{report}"
    );
}

#[test]
fn checkov_confirms_the_security_defaults() {
    let Some(checkov) = oracle("checkov") else {
        eprintln!("note: checkov is not installed; run `bash tests/run` to install it");
        return;
    };
    let dir = repo_root().join("target/oracles/checkov");
    build_all(&dir);
    let out = Command::new(checkov)
        .args([
            "-d",
            dir.to_str().unwrap(),
            "--framework",
            "cloudformation",
            "--skip-download",
            "-o",
            "json",
            "--quiet",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}):\n{text}"));
    let report = if report.is_array() {
        report[0].clone()
    } else {
        report
    };
    let skips: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/checkov-skips.json")).unwrap(),
    )
    .unwrap();
    let skipped = |check: &str, program: &str| {
        skips["skips"].as_array().unwrap().iter().any(|s| {
            s["check"] == check
                && s["reason"].as_str().is_some_and(|r| !r.is_empty())
                && s["programs"]
                    .as_array()
                    .is_none_or(|ps| ps.iter().any(|p| p == program))
        })
    };
    let mut unexpected = vec![];
    for f in report["results"]["failed_checks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let check = f["check_id"].as_str().unwrap_or("");
        let file = f["file_path"].as_str().unwrap_or("");
        let program = file.trim_start_matches('/').split('/').next().unwrap_or("");
        if !skipped(check, program) {
            unexpected.push(format!(
                "{check} {} in {program}: {}",
                f["resource"], f["check_name"]
            ));
        }
    }
    let passed = report["summary"]["passed"].as_u64().unwrap_or(0);
    assert!(
        passed > 0,
        "checkov passed nothing; did it read the templates?\n{text}"
    );
    assert!(
        unexpected.is_empty(),
        "checkov failures not in tests/checkov-skips.json:\n{}",
        unexpected.join("\n")
    );
}

/// Manifests are Kubernetes objects for `kubectl apply`: each must pass
/// Kubernetes' own schema, unknown fields refused. A manifest completed at
/// apply time (`.yaml.hbs`) is checked with its stack outputs filled in by
/// a stand-in string, as `apply` fills them with the real ones.
#[test]
fn kubernetes_validate_accepts_every_manifest_strictly() {
    let Some(validate) = oracle("kubernetes-validate") else {
        eprintln!("note: kubernetes-validate is not installed; run `bash tests/run` to install it");
        return;
    };
    let dir = repo_root().join("target/oracles/kubernetes-validate");
    build_all(&dir);
    let mut manifests = vec![];
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.contains("/manifests/") && name.ends_with(".yaml") {
                manifests.push(p);
            } else if name.contains("/manifests/") && name.ends_with(".yaml.hbs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let filled = text
                    .split("{{")
                    .enumerate()
                    .map(|(i, part)| match (i, part.split_once("}}")) {
                        (0, _) | (_, None) => part.to_string(),
                        (_, Some((_, rest))) => format!("output-value{rest}"),
                    })
                    .collect::<String>();
                let out = p.with_extension("");
                std::fs::write(&out, filled).unwrap();
                manifests.push(out);
            }
        }
    }
    manifests.sort();
    assert!(!manifests.is_empty(), "no manifest was built");
    let out = Command::new(validate)
        .args(["-k", "1.34.0", "--strict"])
        .args(&manifests)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A custom resource (Trident's backend config) has no schema to check
    // against; kubernetes-validate says so with a warning and passes it.
    let crd = |l: &str| l.starts_with("WARN") && l.contains("Couldn't find schema for kind");
    let failed: Vec<&str> = report
        .lines()
        .filter(|l| !l.starts_with("INFO") && !crd(l))
        .collect();
    assert!(
        out.status.success() && failed.is_empty(),
        "kubernetes-validate refused {} of {} manifests:\n{}",
        failed.len(),
        manifests.len(),
        failed.join("\n")
    );
}
