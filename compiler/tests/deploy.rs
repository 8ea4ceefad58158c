//! `plan` and `apply` against a real CloudFormation API: moto's server,
//! started on a free loopback port by this test (tests/run installs it).
//! Under CI a missing moto fails these tests instead of skipping them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto() -> Option<Moto> {
    let bin = repo().join(".venv/bin/moto_server");
    if !bin.exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("moto_server is missing under CI: tests/run installs it with tests/tools/setup-venv.sh");
        }
        eprintln!("note: moto is not installed; run `bash tests/run` to install it");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let m = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(m)
}

fn cairn(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cairn-deploy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PROGRAM: &str = "project {\n  name = \"shop\"\n}\n\nparam zones: int = 2\n\nnetwork main {\n  zones = zones\n}\n\nbucket assets {}\n\noutput vpc = main.vpc_id\n";

#[test]
fn plan_and_apply_against_cloudformation() {
    let Some(m) = moto() else { return };
    let dir = scratch("flow");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let live = |extra: &[&str]| {
        let mut a: Vec<&str> = extra.to_vec();
        a.extend(["--endpoint-url", &m.url, "--region", "us-east-1"]);
        cairn(&a, &dir)
    };
    // Create: a plan shows what is new, with exit 2; apply deploys it.
    let o = live(&["plan", "shop.cairn", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("+ create    MainVpc"), "{}", text(&o));
    let o = live(&["apply", "shop.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("CREATE_COMPLETE"),
        "one line per stack event: {}",
        text(&o)
    );
    // No-op: an empty change set is "no changes", exit 0.
    let o = live(&["plan", "shop.cairn", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Update with a changed parameter, through a saved plan.
    let o = live(&[
        "plan",
        "shop.cairn",
        "--param",
        "zones=3",
        "--out",
        "plan.json",
        "--detailed-exitcode",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("+ create    MainPrivateSubnet3"),
        "{}",
        text(&o)
    );
    let o = live(&["apply", "plan.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("UPDATE_COMPLETE"), "{}", text(&o));
    let o = live(&[
        "plan",
        "shop.cairn",
        "--param",
        "zones=3",
        "--detailed-exitcode",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "applied exactly that plan: {}",
        text(&o)
    );
    // A saved plan whose stack moved on is refused.
    let o = live(&["apply", "plan.json"]);
    assert!(
        text(&o).contains("up to date") || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    // Removing a stateful resource is blocked, with the line to add.
    std::fs::write(
        dir.join("shop.cairn"),
        PROGRAM.replace("bucket assets {}\n", ""),
    )
    .unwrap();
    let o = live(&["apply", "shop.cairn", "--param", "zones=3", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("allow_delete = [\"assets\"]") && text(&o).contains("refusing to apply"),
        "{}",
        text(&o)
    );
    // Without a terminal and without --yes, nothing is applied.
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let o = live(&["apply", "shop.cairn", "--param", "zones=2"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--yes"), "{}", text(&o));
}

#[test]
fn a_failing_deployment_reports_its_root_cause() {
    let Some(m) = moto() else { return };
    let dir = scratch("fail");
    // moto cannot resolve one of this template's attributes and refuses the
    // execution, as CloudFormation refuses a bad property value.
    let retail = repo().join("examples/retail").display().to_string();
    let o = cairn(
        &[
            "apply",
            &retail,
            "--yes",
            "--endpoint-url",
            &m.url,
            "--region",
            "us-east-1",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("error: apply failed in stack `retail`"), "{t}");
    assert!(
        t.contains("resource: MainFlowLogKey (declared as `main` at "),
        "the program line it came from: {t}"
    );
    assert!(t.contains("reason:") && t.contains("next:"), "{t}");
}

#[test]
fn a_dead_endpoint_fails_fast_and_clearly() {
    let dir = scratch("dead");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = Instant::now();
    let o = cairn(
        &[
            "plan",
            "shop.cairn",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "--region",
            "us-east-1",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("CloudFormation is unreachable"),
        "{}",
        text(&o)
    );
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "bounded: took {:?}",
        start.elapsed()
    );
}
