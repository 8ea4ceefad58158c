//! The `cairn` binary as a user runs it: exit codes, what reaches the
//! disk, and inputs built to break it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn cairn(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cairn-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn builds_the_retail_example() {
    let dir = scratch();
    let out = dir.join("out");
    let o = cairn(
        &[
            "build",
            repo().join("examples/retail").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("retail.template.json").exists());
    assert!(out.join("manifests/retail/storageclass-fast.yaml").exists());
    assert!(out.join("cairn.build.json").exists());
}

#[test]
fn errors_exit_1_and_write_nothing() {
    let dir = scratch();
    std::fs::write(dir.join("bad.cairn"), "network main {\n  zones = 9\n}\n").unwrap();
    let o = cairn(&["build", "bad.cairn", "-o", "out"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E0209"), "{}", stderr(&o));
    assert!(
        !dir.join("out").exists(),
        "nothing may reach the disk on error"
    );
}

#[test]
fn a_bad_command_line_exits_64() {
    let dir = scratch();
    assert_eq!(cairn(&["biuld", "x.cairn"], &dir).status.code(), Some(64));
    assert_eq!(
        cairn(&["build", "x.cairn", "--param", "novalue"], &dir)
            .status
            .code(),
        Some(64)
    );
    assert_eq!(cairn(&["--help"], &dir).status.code(), Some(0));
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let dir = scratch();
    let o = cairn(&["check", "nope.cairn"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn a_hundred_thousand_nested_brackets_give_one_diagnostic() {
    let dir = scratch();
    let deep = format!("let x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(dir.join("deep.cairn"), deep).unwrap();
    let o = cairn(&["check", "deep.cairn"], &dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("E0012"));
    let braces = format!("network a {{ cidr = {}\n", "{".repeat(100_000));
    std::fs::write(dir.join("braces.cairn"), braces).unwrap();
    assert_eq!(
        cairn(&["check", "braces.cairn"], &dir).status.code(),
        Some(1)
    );
    for (name, text) in [
        ("chain", format!("let x = a{}\n", ".b".repeat(100_000))),
        ("not", format!("let x = {}true\n", "!".repeat(100_000))),
        ("eq", format!("let x = 1{}\n", " == 1".repeat(100_000))),
        (
            "and",
            format!("let x = true{}\n", " && true".repeat(100_000)),
        ),
    ] {
        std::fs::write(dir.join(format!("{name}.cairn")), text).unwrap();
        let o = cairn(&["check", &format!("{name}.cairn")], &dir);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("E0012"), "{name}: {}", stderr(&o));
    }
    let interp = format!("let s = {}\n", "\"${".repeat(50_000));
    std::fs::write(dir.join("interp.cairn"), interp).unwrap();
    assert_eq!(
        cairn(&["check", "interp.cairn"], &dir).status.code(),
        Some(1)
    );
}

#[test]
fn invalid_utf8_is_reported_at_its_byte() {
    let dir = scratch();
    std::fs::write(
        dir.join("latin1.cairn"),
        b"network main {\n  cidr = \"10.0.0.0/16\xe9\"\n}\n",
    )
    .unwrap();
    let o = cairn(&["check", "latin1.cairn"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("E0001") && e.contains("latin1.cairn:2:"), "{e}");
}

#[test]
fn build_check_shows_the_diff_of_a_stale_directory() {
    let dir = scratch();
    let src = repo().join("examples/retail");
    let src = src.to_str().unwrap();
    assert_eq!(
        cairn(&["build", src, "-o", "out"], &dir).status.code(),
        Some(0)
    );
    assert_eq!(
        cairn(&["build", src, "-o", "out", "--check"], &dir)
            .status
            .code(),
        Some(0)
    );
    let t = dir.join("out/retail.template.json");
    let text = std::fs::read_to_string(&t)
        .unwrap()
        .replace("\"MaxSize\": 5", "\"MaxSize\": 9");
    std::fs::write(&t, text).unwrap();
    let o = cairn(&["build", src, "-o", "out", "--check"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&o.stdout);
    let has = |sign: char, text: &str| {
        diff.lines()
            .any(|l| l.starts_with(sign) && l.contains(text))
    };
    assert!(
        has('-', "\"MaxSize\": 9") && has('+', "\"MaxSize\": 5"),
        "{diff}"
    );
}

#[test]
fn params_come_from_the_command_line() {
    let dir = scratch();
    std::fs::write(
        dir.join("p.cairn"),
        "param zones: int\nnetwork main {\n  zones = zones\n}\n",
    )
    .unwrap();
    let o = cairn(&["check", "p.cairn"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--param zones=<int>"), "{}", stderr(&o));
    assert_eq!(
        cairn(&["check", "p.cairn", "--param", "zones=2"], &dir)
            .status
            .code(),
        Some(0)
    );
    let o = cairn(&["check", "p.cairn", "--param", "zones=two"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("E0110"));
}

#[test]
fn explain_prints_the_explanation() {
    let dir = scratch();
    let o = cairn(&["explain", "E0201"], &dir);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("# E0201"));
    let o = cairn(&["explain", "E0299"], &dir);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_directory_program_is_one_namespace() {
    let dir = scratch();
    std::fs::create_dir_all(dir.join("prog")).unwrap();
    std::fs::write(dir.join("prog/a.cairn"), "network main {\n  zones = 2\n}\n").unwrap();
    std::fs::write(
        dir.join("prog/b.cairn"),
        "cluster k {\n  network = main\n  admins = [\"arn:aws:iam::1:role/a\"]\n}\n",
    )
    .unwrap();
    let o = cairn(&["build", "prog", "-o", "out"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("out/prog.template.json").exists());
}

#[test]
fn diagnostics_as_json_and_github_annotations() {
    let dir = scratch();
    std::fs::write(dir.join("bad.cairn"), "network main {\n  zones = 9\n}\n").unwrap();
    let o = cairn(&["check", "bad.cairn", "--format", "json"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("E0209"), Some(2), Some(11))
    );
    assert_eq!(d["file"], "bad.cairn");
    assert!(d["help"].as_str().unwrap().contains("zones = 6"));
    let o = cairn(&["check", "bad.cairn", "--format", "github"], &dir);
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        line.starts_with("::error file=bad.cairn,line=2,col=11,"),
        "{line}"
    );
    assert!(line.contains("title=E0209 out-of-range::"), "{line}");
    let o = cairn(
        &[
            "check",
            &repo().join("examples/retail").display().to_string(),
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["errors"], 0,
        "a clean program still prints a parseable report"
    );
}

#[test]
fn graph_prints_declarations_and_resources() {
    let dir = scratch();
    let retail = repo().join("examples/retail").display().to_string();
    let o = cairn(&["graph", &retail], &dir);
    assert_eq!(o.status.code(), Some(0));
    let dot = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(dot.starts_with("digraph cairn {"));
    assert!(
        dot.contains("\"workers\" -> \"retail\";") && dot.contains("\"retail\" -> \"main\";"),
        "{dot}"
    );
    assert!(dot.contains("[label=\"cluster retail\"]"));
    let o = cairn(
        &["graph", &retail, "--graph-format", "mermaid", "--resources"],
        &dir,
    );
    let m = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        m.starts_with("flowchart LR") && m.contains("RetailCluster (AWS::EKS::Cluster)"),
        "{m}"
    );
    assert_eq!(
        cairn(&["graph", &retail], &dir).stdout,
        o_stdout(&retail, &dir),
        "stable output"
    );
}

#[test]
fn a_folder_of_independent_programs_is_refused_with_its_programs_named() {
    let dir = scratch();
    std::fs::create_dir_all(dir.join("envs")).unwrap();
    for env in ["dev", "prod"] {
        std::fs::write(
            dir.join(format!("envs/{env}.cairn")),
            format!("project {{\n  name = \"{env}\"\n}}\n\nnetwork main {{}}\n"),
        )
        .unwrap();
    }
    let o = cairn(&["check", "envs"], &dir);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 independent programs") && err.contains("prod.cairn"),
        "{err}"
    );
    // Each file is a program of its own.
    let o = cairn(&["check", "envs/prod.cairn"], &dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn graph_takes_its_notation_from_format_as_the_cli_reference_spells_it() {
    let dir = scratch();
    let retail = repo().join("examples/retail").display().to_string();
    let by_format = cairn(&["graph", &retail, "--format", "mermaid"], &dir);
    let by_flag = cairn(&["graph", &retail, "--graph-format", "mermaid"], &dir);
    assert_eq!(by_format.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&by_format.stdout).starts_with("flowchart LR"));
    assert_eq!(by_format.stdout, by_flag.stdout);
    let dot = cairn(&["graph", &retail, "--format", "dot"], &dir);
    assert!(String::from_utf8_lossy(&dot.stdout).starts_with("digraph cairn {"));
    // A notation is not a diagnostics format: other commands refuse it.
    let check = cairn(&["check", &retail, "--format", "dot"], &dir);
    assert_eq!(check.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&check.stderr).contains("cairn graph"));
}

#[test]
fn graph_stacks_boxes_every_declaration_in_its_stack() {
    let dir = scratch();
    let fleet = repo().join("examples/fleet").display().to_string();
    let o = cairn(&["build", &fleet, "-o", "out"], &dir);
    assert_eq!(o.status.code(), Some(0));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/cairn.build.json")).unwrap())
            .unwrap();
    let o = cairn(&["graph", &fleet, "--stacks"], &dir);
    assert_eq!(o.status.code(), Some(0));
    let dot = String::from_utf8_lossy(&o.stdout).into_owned();
    // One box per stack, in deploy order, each holding its declarations.
    let boxes: Vec<&str> = dot.split("  subgraph ").skip(1).collect();
    let stacks = manifest["stacks"].as_array().unwrap();
    assert_eq!(boxes.len(), stacks.len(), "{dot}");
    for (b, s) in boxes.iter().zip(stacks) {
        let name = s["name"].as_str().unwrap();
        assert!(b.contains(&format!("label=\"stack {name} (")), "{b}");
        // Nodes are scoped and keyed names (`team["ads"].general`, quoted
        // for DOT); stacks list them flattened (`team_ads_general`).
        let nodes: Vec<String> = b
            .lines()
            .filter_map(|l| {
                l.strip_prefix("    \"")?
                    .split_once("\" [label=")
                    .map(|(n, _)| cairn::names::flat(&n.replace("\\\"", "\"")))
            })
            .collect();
        for d in s["declarations"].as_object().unwrap().keys() {
            assert!(nodes.contains(d), "{d} not in {name}");
        }
    }
    let first = stacks[0]["name"].as_str().unwrap();
    assert!(dot.contains(&format!("; imports from {first})")), "{dot}");
    let o = cairn(
        &["graph", &fleet, "--stacks", "--graph-format", "mermaid"],
        &dir,
    );
    let m = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(m.matches("  subgraph g").count(), stacks.len(), "{m}");
    assert_eq!(m.matches("  end\n").count(), stacks.len(), "{m}");
}

fn o_stdout(program: &str, dir: &Path) -> Vec<u8> {
    cairn(&["graph", program], dir).stdout
}

#[test]
fn params_files_json_and_cairn_with_flags_winning() {
    let dir = scratch();
    std::fs::write(dir.join("p.cairn"), "param zones: int\nparam stage: string\nnetwork main {\n  zones = zones\n}\noutput s = stage\n").unwrap();
    std::fs::write(dir.join("p.json"), "{\"zones\": 2, \"stage\": \"prod\"}").unwrap();
    std::fs::write(
        dir.join("p.params.cairn"),
        "// staging\nzones = 3\nstage = \"staging\"\n",
    )
    .unwrap();
    let value = |args: &[&str]| {
        let mut all = vec!["build", "p.cairn", "-o", "out"];
        all.extend_from_slice(args);
        let o = cairn(&all, &dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let t: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("out/p.template.json")).unwrap(),
        )
        .unwrap();
        t["Outputs"]["S"]["Value"].as_str().unwrap().to_string()
    };
    assert_eq!(value(&["--params", "p.json"]), "prod");
    assert_eq!(value(&["--params", "p.params.cairn"]), "staging");
    assert_eq!(value(&["--params", "p.json", "--param", "stage=qa"]), "qa");
    std::fs::write(
        dir.join("bad.json"),
        "{\"zones\": \"two\", \"stage\": \"x\"}",
    )
    .unwrap();
    let o = cairn(&["check", "p.cairn", "--params", "bad.json"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("E0110") && stderr(&o).contains("bad.json: zones"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_directory_program_equals_its_single_file_form() {
    let dir = scratch();
    let files = [
        ("a.cairn", "project {\n  name = \"same\"\n}\n\nnetwork main {\n  zones = 2\n}\n"),
        ("b.cairn", "cluster k {\n  network = main\n  admins  = [\"arn:aws:iam::1:role/a\"]\n}\n"),
        ("c.cairn", "nodegroup n {\n  cluster        = k\n  instance_types = [\"m5.large\"]\n}\n\noutput e = k.endpoint\n"),
    ];
    std::fs::create_dir_all(dir.join("prog")).unwrap();
    let mut one = String::new();
    for (name, text) in files {
        std::fs::write(dir.join("prog").join(name), text).unwrap();
        one.push_str(text);
        one.push('\n');
    }
    std::fs::write(dir.join("one.cairn"), one).unwrap();
    assert_eq!(
        cairn(&["build", "prog", "-o", "a"], &dir).status.code(),
        Some(0)
    );
    assert_eq!(
        cairn(&["build", "one.cairn", "-o", "b"], &dir)
            .status
            .code(),
        Some(0)
    );
    for f in ["same.template.json", "cairn.build.json"] {
        assert_eq!(
            std::fs::read(dir.join("a").join(f)).unwrap(),
            std::fs::read(dir.join("b").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn plan_exit_codes_and_saved_plan() {
    let dir = scratch();
    let retail = repo().join("examples/retail").display().to_string();
    let deployed = repo()
        .join("examples/retail/deployed")
        .display()
        .to_string();
    let o = cairn(
        &[
            "plan",
            &retail,
            "--against",
            &deployed,
            "--detailed-exitcode",
            "--out",
            "plan.json",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2), "changes: {}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("± replace   BatchFargateProfile")
            && text.contains("allow_delete = [\"legacy_images\"]"),
        "{text}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["summary"]["blocked"], 1);
    assert_eq!(
        cairn(&["build", &retail, "-o", "now"], &dir).status.code(),
        Some(0)
    );
    let o = cairn(
        &["plan", &retail, "--against", "now", "--detailed-exitcode"],
        &dir,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "no changes: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        cairn(&["plan", &retail, "--against", "now"], &dir)
            .status
            .code(),
        Some(0)
    );
    let o = cairn(&["plan", &retail, "--against", "nowhere"], &dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no Cairn build"));
}

#[test]
fn a_json_plan_is_one_document_on_stdout_with_warnings_on_stderr() {
    let dir = scratch();
    // A cluster without admins warns; the warning must not reach stdout.
    std::fs::write(
        dir.join("w.cairn"),
        "network main {\n  zones = 2\n}\n\ncluster c {\n  network = main\n}\n",
    )
    .unwrap();
    let o = cairn(&["build", "w.cairn", "-o", "old", "--quiet"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cairn(
        &["plan", "w.cairn", "--against", "old", "--format", "json"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["summary"]["create"], 0);
    let report: serde_json::Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(report["warnings"], 1, "{report}");
}

#[test]
fn textual_params_are_taken_as_text_and_validated() {
    let dir = scratch();
    std::fs::write(
        dir.join("p.cairn"),
        "param cidr: cidr = \"10.0.0.0/16\"\nparam region: region = \"us-east-1\"\n\nnetwork main {\n  zones = 2\n  cidr  = cidr\n}\n",
    )
    .unwrap();
    let o = cairn(
        &[
            "check",
            "p.cairn",
            "--param",
            "cidr=10.1.0.0/16",
            "--param",
            "region=eu-west-1",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cairn(&["check", "p.cairn", "--param", "cidr=10.1.0.0/99"], &dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[E0206]"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`/99` is not a prefix length"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fmt_rewrites_checks_and_refuses_what_does_not_parse() {
    let dir = scratch();
    let messy = "network main {\nzones=2\n    cidr = \"10.0.0.0/16\" // the block\n}\n";
    std::fs::create_dir_all(dir.join("infra/.hidden")).unwrap();
    std::fs::write(dir.join("infra/a.cairn"), messy).unwrap();
    std::fs::write(dir.join("infra/.hidden/b.cairn"), messy).unwrap();
    // --check: nothing written, the diff shown, exit 1.
    let o = cairn(&["fmt", "--check", "infra"], &dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(
        diff.contains("-zones=2") && diff.contains("+  zones = 2"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/a.cairn")).unwrap(),
        messy
    );
    // Formatting writes the file and names it; hidden folders are skipped.
    let o = cairn(&["fmt", "infra"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "infra/a.cairn");
    // The trailing comment keeps the column it was written at (25).
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/a.cairn")).unwrap(),
        "network main {\n  zones = 2\n  cidr  = \"10.0.0.0/16\"  // the block\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/.hidden/b.cairn")).unwrap(),
        messy
    );
    let o = cairn(&["fmt", "--check", "infra"], &dir);
    assert_eq!(o.status.code(), Some(0), "formatted now: {}", stderr(&o));
    // A file that does not parse: its diagnostic, exit 1, the file as it was.
    let broken = "network main {\n  zones = \n";
    std::fs::write(dir.join("broken.cairn"), broken).unwrap();
    let o = cairn(&["fmt", "broken.cairn"], &dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[E0"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not parse; not formatted"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.cairn")).unwrap(),
        broken
    );
}
