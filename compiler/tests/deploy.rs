//! `plan` and `apply` against the project's CloudFormation double
//! (`tests/tools/cfn-double`: moto's server with generic, schema-driven
//! models for every type Cairn writes), started on a free loopback port by
//! each test (tests/run installs its Python packages). Under CI a missing
//! double fails these tests instead of skipping them.

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

/// A running double; killed when dropped.
struct Double {
    child: Child,
    url: String,
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cfn_double() -> Option<Double> {
    double(&[])
}

/// The double, with fault options (`--fail REGEX`, `--throttle N`).
fn double(faults: &[&str]) -> Option<Double> {
    let python = repo().join(".venv/bin/python");
    if !python.exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the test venv is missing under CI: tests/run installs it with tests/tools/setup-venv.sh");
        }
        eprintln!(
            "note: the CloudFormation double's venv is missing; run `bash tests/run` to install it"
        );
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(python)
        .arg(repo().join("tests/tools/cfn-double/cfn_double.py"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .args(faults)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let m = Double {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the CloudFormation double did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(m)
}

#[test]
fn the_double_behaves_as_its_readme_claims() {
    for faults in [
        &[][..],
        &["--fail", "^Broken", "--throttle", "2", "--slow", "2"][..],
    ] {
        let Some(m) = double(faults) else { return };
        let mut args = vec![m.url.as_str()];
        if !faults.is_empty() {
            args.push("--faults");
        }
        let o = Command::new(repo().join(".venv/bin/python"))
            .arg(repo().join("tests/tools/cfn-double/fidelity.py"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn cairn(args: &[&str], dir: &Path) -> Output {
    command(args, dir).output().unwrap()
}

fn command(args: &[&str], dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cairn"));
    c.args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// `cairn ARGS` against the double's endpoint in `region`.
fn against(m: &Double, region: &str, args: &[&str], dir: &Path) -> Output {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--endpoint-url", &m.url, "--region", region]);
    cairn(&a, dir)
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

/// A scratch directory holding `program` as `file`, applied to the double
/// (the start of most deploy tests).
fn deployed(m: &Double, name: &str, file: &str, program: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join(file), program).unwrap();
    let o = against(m, "us-east-1", &["apply", file, "--yes", "-q"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    dir
}

const PROGRAM: &str = "project {\n  name = \"shop\"\n}\n\nparam zones: int = 2\nparam cidr: cidr = \"10.0.0.0/16\"\nparam retention: duration = 365d\n\nnetwork main {\n  zones = zones\n  cidr = cidr\n  flow_log_retention = retention\n}\n\nbucket assets {}\n\noutput vpc = main.vpc_id\n";

#[test]
fn plan_and_apply_against_cloudformation() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("flow");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
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
    // A live plan shows an update with its property and a replacement with
    // the create-only property that causes it.
    let o = live(&[
        "plan",
        "shop.cairn",
        "--param",
        "zones=3",
        "--param",
        "retention=90d",
        "--param",
        "cidr=10.1.0.0/16",
        "--detailed-exitcode",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.lines()
            .any(|l| l.starts_with("~ update    MainFlowLogGroup")
                && l.ends_with("RetentionInDays: 365 -> 90")),
        "{t}"
    );
    assert!(
        t.lines().any(|l| l.starts_with("± replace   MainVpc")
            && l.ends_with("CidrBlock changed (create-only, certain)")),
        "{t}"
    );
    // What refers to the VPC changes with it, as CloudFormation's change
    // set says, and the two views agree resource by resource.
    assert!(
        t.lines()
            .any(|l| l.starts_with("± replace   MainPrivateRouteTable1")
                && l.ends_with("VpcId follows MainVpc (create-only, conditional)")),
        "{t}"
    );
    assert!(!t.contains("disagree"), "{t}");
    // A saved plan whose stack moved on is refused.
    let o = live(&["apply", "plan.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("the stack changed since this plan was made; plan again"),
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
fn quiet_means_quiet() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("quiet");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let o = against(
        &m,
        "us-east-1",
        &["apply", "shop.cairn", "--yes", "-q"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(text(&o), "", "no plan, no events, no summary");
    let o = against(
        &m,
        "us-east-1",
        &["apply", "shop.cairn", "--yes", "-q"],
        &dir,
    );
    assert_eq!(
        (o.status.code(), text(&o)),
        (Some(0), String::new()),
        "nothing to apply, quietly"
    );
    // Errors still speak.
    let o = against(
        &m,
        "us-east-1",
        &["apply", "nope.cairn", "--yes", "-q"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("nope.cairn"), "{}", text(&o));
}

#[test]
fn a_failing_deployment_reports_its_root_cause() {
    // The double fails the flow log key, as CloudFormation fails a resource
    // whose service refuses it.
    let Some(m) = double(&["--fail", "^MainFlowLogKey$"]) else {
        return;
    };
    let dir = scratch("fail");
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
    assert!(
        t.contains("injected failure of MainFlowLogKey"),
        "CloudFormation's reason: {t}"
    );
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

/// Runs Python from the test venv (boto3 comes with moto): an outside
/// view of what Cairn left in the emulator.
fn python(script: &str, args: &[&str]) -> String {
    let o = Command::new(repo().join(".venv/bin/python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "eu-west-1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn a_template_over_the_inline_limit_goes_through_a_private_bucket() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("large");
    let mut program = String::from("project {\n  name = \"large\"\n}\n");
    for i in 0..24 {
        program += &format!("\nbucket b{i} {{}}\n");
    }
    std::fs::write(dir.join("large.cairn"), &program).unwrap();
    let o = cairn(&["build", "large.cairn", "-o", "built"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let size = std::fs::metadata(dir.join("built/large.template.json"))
        .unwrap()
        .len();
    assert!(
        size > 51_200,
        "the program must outgrow the inline limit: {size}"
    );
    let live = |args: &[&str]| against(&m, "eu-west-1", args, &dir);
    let o = live(&["apply", "large.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("over the inline limit of 51200; uploaded to https://cairn-templates-"),
        "{}",
        text(&o)
    );
    let o = live(&["plan", "large.cairn", "--detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The template bucket is encrypted, versioned and private.
    let seen = python(
        "import boto3,sys\n\
         s3=boto3.client('s3',endpoint_url=sys.argv[1])\n\
         b=[x['Name'] for x in s3.list_buckets()['Buckets'] if x['Name'].startswith('cairn-templates-')][0]\n\
         e=s3.get_bucket_encryption(Bucket=b)['ServerSideEncryptionConfiguration']['Rules'][0]\n\
         v=s3.get_bucket_versioning(Bucket=b)['Status']\n\
         p=s3.get_public_access_block(Bucket=b)['PublicAccessBlockConfiguration']\n\
         k=[o['Key'] for o in s3.list_objects_v2(Bucket=b)['Contents']]\n\
         print(b.endswith('-eu-west-1'), e['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'], v, all(p.values()), len(k), k[0].startswith('large/'))",
        &[&m.url],
    );
    assert_eq!(seen, "True aws:kms Enabled True 1 True");
}

#[test]
fn apply_completes_the_manifests_and_hands_them_to_kubectl() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("kubectl");
    std::fs::write(
        dir.join("kube.cairn"),
        "project {\n  name = \"kube\"\n}\n\nnetwork main {\n  zones = 2\n}\n\n\
         cluster kube {\n  network = main\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n\n\
         storage_class fast {\n  cluster = kube\n  driver  = ebs\n}\n",
    )
    .unwrap();
    // A stand-in kubectl that records how it was called.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("kubectl");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" > {}\n",
            dir.join("kubectl.args").display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = command(
        &[
            "apply",
            "kube.cairn",
            "--yes",
            "--kubectl",
            "-o",
            "deployed",
            "--endpoint-url",
            &m.url,
            "--region",
            "eu-west-1",
        ],
        &dir,
    )
    .env("PATH", path)
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let manifest = dir.join("deployed/manifests/kube/storageclass-fast.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    assert!(yaml.contains("provisioner: \"ebs.csi.aws.com\""), "{yaml}");
    let args = std::fs::read_to_string(dir.join("kubectl.args")).unwrap();
    assert_eq!(args.trim(), "apply -R -f deployed/manifests");
}

#[test]
fn stacks_are_applied_after_the_stacks_they_import_from() {
    use cairn::deploy::apply::{self, Options, StackInput};
    use cairn::deploy::aws::{Aws, Settings};
    let Some(m) = cfn_double() else { return };
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    let queue = |name: &str| serde_json::json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name}});
    let export = serde_json::json!({"Arn": {"Value": {"Fn::GetAtt": ["Q", "Arn"]}, "Export": {"Name": "order-base-arn"}}});
    // All three stacks are new: the exporter is created first, and the
    // importer's change set can only be made once the export exists.
    let base = serde_json::json!({
        "Resources": {"Q": queue("base-q"), "Q2": queue("base-q2")},
        "Outputs": export
    });
    let app = serde_json::json!({
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": "app-q",
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::ImportValue": "order-base-arn"}, "maxReceiveCount": 3}
        }}}
    });
    let side = serde_json::json!({"Resources": {"Q": queue("side-q")}});
    // The importer comes first in the input: order must come from the
    // templates, not from the list.
    let stacks = vec![
        StackInput {
            name: "order-app".into(),
            template: app.to_string(),
        },
        StackInput {
            name: "order-base".into(),
            template: base.to_string(),
        },
        StackInput {
            name: "order-side".into(),
            template: side.to_string(),
        },
    ];
    let mut o = Options::new(cairn::schema::Stdlib::get().unwrap(), false).unwrap();
    o.timing.poll = Duration::from_millis(200);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let lines = std::cell::RefCell::new(vec![]);
    let log = |s: String| lines.borrow_mut().push(s);
    rt.block_on(async {
        let cf = Aws::connect(&Settings {
            region: Some("eu-west-1".into()),
            profile: None,
            endpoint_url: Some(m.url.clone()),
        })
        .await;
        let live = apply::plan(&cf, &stacks, o, &log).await.unwrap();
        // In apply order; the importer's change set waits for the export.
        let order: Vec<&str> = live.iter().map(|s| s.stack.as_str()).collect();
        assert_eq!(order, ["order-base", "order-side", "order-app"]);
        assert_eq!(live[2].after, ["order-base"]);
        assert!(live[2].deferred.is_some() && live[2].change_set.is_none());
        let result = apply::execute(&cf, &live, o, &log).await;
        assert!(result.is_ok(), "{result:?}: {:?}", lines.borrow());
    });
    let lines = lines.into_inner();
    let started = |s: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(&format!("{s}: executing")))
            .unwrap_or_else(|| panic!("{s} never ran: {lines:?}"))
    };
    let finished = |s: &str| {
        lines
            .iter()
            .position(|l| {
                l.starts_with(&format!("{s}: {s} AWS::CloudFormation::Stack"))
                    && l.ends_with("_COMPLETE")
            })
            .unwrap_or_else(|| panic!("{s} never completed: {lines:?}"))
    };
    assert!(finished("order-base") < started("order-app"), "{lines:?}");
    assert!(finished("order-app") > started("order-app"), "{lines:?}");
    // Independent stacks run together: side starts before base finishes.
    assert!(started("order-side") < finished("order-base"), "{lines:?}");
}

#[test]
fn an_interrupted_wait_stops_watching_and_says_so() {
    let dir = scratch("interrupt");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    // An endpoint that accepts connections and never answers.
    let hole = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hole.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = vec![];
        for c in hole.incoming().flatten() {
            held.push(c);
        }
    });
    let child = command(
        &[
            "plan",
            "shop.cairn",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "--region",
            "us-east-1",
        ],
        &dir,
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(text(&o).contains("interrupted"), "{}", text(&o));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn an_offline_plan_cannot_be_applied() {
    let dir = scratch("offline");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let o = cairn(&["build", "shop.cairn", "-o", "old"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = cairn(
        &[
            "plan",
            "shop.cairn",
            "--against",
            "old",
            "--out",
            "plan.json",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = cairn(&["apply", "plan.json", "--region", "us-east-1"], &dir);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("it is an offline plan (made with `--against`)"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_program_split_into_stacks_applies_in_dependency_order() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("fleet");
    let fleet = repo().join("examples/fleet").display().to_string();
    let o = cairn(&["build", &fleet, "-o", "built"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("built").join(p)).unwrap()).unwrap()
    };
    let manifest = read("cairn.build.json");
    let stacks = manifest["stacks"].as_array().unwrap();
    assert!(stacks.len() >= 3, "{manifest}");
    let mut total = 0;
    for s in stacks {
        let text = std::fs::read_to_string(dir.join("built").join(s["template"].as_str().unwrap()))
            .unwrap();
        let t: serde_json::Value = serde_json::from_str(&text).unwrap();
        let resources = t["Resources"].as_object().unwrap().len();
        let outputs = t["Outputs"].as_object().map_or(0, |o| o.len());
        assert!(
            resources <= 500 && outputs <= 200 && text.len() <= 1_048_576,
            "{}",
            s["name"]
        );
        total += resources;
    }
    assert!((850..=950).contains(&total), "about 900 resources: {total}");
    // Every stack is new: each importer's change set is made, and run,
    // only once the stacks it imports from are created.
    let o = against(&m, "eu-west-1", &["apply", &fleet, "--yes"], &dir);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let lines: Vec<&str> = t.lines().collect();
    let at = |what: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(what))
            .unwrap_or_else(|| panic!("no `{what}`: {t}"))
    };
    for s in stacks {
        let name = s["name"].as_str().unwrap();
        let started = at(&format!("{name}: executing"));
        let done = at(&format!(
            "{name}: {name} AWS::CloudFormation::Stack CREATE_COMPLETE"
        ));
        assert!(started < done);
        for from in s["imports_from"].as_array().unwrap() {
            let from = from.as_str().unwrap();
            let exported = at(&format!(
                "{from}: {from} AWS::CloudFormation::Stack CREATE_COMPLETE"
            ));
            assert!(exported < started, "{name} ran before {from} was done: {t}");
        }
    }
}

#[test]
fn a_deployed_stack_the_build_no_longer_makes_is_pointed_out() {
    let Some(m) = cfn_double() else { return };
    let dir = scratch("leftover");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    // A stack of this program from an earlier split, and a stranger's.
    python(
        "import boto3,json,sys\n\
         cf=boto3.client('cloudformation',endpoint_url=sys.argv[1])\n\
         seed={'Type':'AWS::CloudFormation::WaitConditionHandle'}\n\
         cf.create_stack(StackName='shop-main',TemplateBody=json.dumps({'Description':'shop (generated by Cairn; do not edit)','Resources':{'Seed':seed}}))\n\
         cf.create_stack(StackName='shop-tools',TemplateBody=json.dumps({'Description':'tools','Resources':{'Seed':seed}}))",
        &[&m.url],
    );
    let o = against(&m, "eu-west-1", &["plan", "shop.cairn"], &dir);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains(
            "warning: stack `shop-main` holds resources of this program that it no longer builds"
        ) && t.contains("aws cloudformation delete-stack --stack-name shop-main"),
        "{t}"
    );
    assert!(
        !t.contains("`shop-tools`") && !t.contains("stack `shop` holds"),
        "{t}"
    );
}

const SPLIT: &str = "project {\n  name   = \"tiny\"\n  limits = { resources = 40 }\n}\n\nnetwork a {\n  zones = 2\n}\n\nnetwork b {\n  zones = 2\n}\n\ncluster one {\n  network = a\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n\ncluster two {\n  network = b\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n";

#[test]
fn destroy_shows_what_goes_deletes_and_lists_what_it_kept() {
    let Some(m) = cfn_double() else { return };
    let dir = deployed(&m, "destroy", "shop.cairn", PROGRAM);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    // Without a terminal and without --yes, nothing is deleted.
    let o = live(&["destroy", "shop.cairn"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("- delete  MainVpc") && t.contains("  keep    AssetsBucket"),
        "{t}"
    );
    assert!(t.contains("--yes"), "{t}");
    let o = live(&["destroy", "shop.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("shop: deleted"), "{t}");
    assert!(t.contains("Kept by their DeletionPolicy"), "{t}");
    assert!(
        t.contains("aws s3 rb s3://") && t.contains("aws kms schedule-key-deletion --key-id "),
        "{t}"
    );
    // Gone: a plan creates everything again. Its change set leaves an empty
    // stack in review, which destroy removes; then nothing is left.
    let o = live(&["plan", "shop.cairn"]);
    assert!(text(&o).contains("+ create    MainVpc"), "{}", text(&o));
    let o = live(&["destroy", "shop.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("0 resource(s) to delete, 0 kept"),
        "{}",
        text(&o)
    );
    let o = live(&["destroy", "shop.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("nothing to destroy"), "{}", text(&o));
}

#[test]
fn destroy_refuses_stateful_deletions_the_program_does_not_allow() {
    let Some(m) = cfn_double() else { return };
    let program = "project {\n  name = \"jobs\"\n}\n\nnetwork main {\n  zones = 2\n}\n\necs_cluster work {\n  network = main\n}\n\ntask resize {\n  container = { image = \"public.ecr.aws/docker/library/busybox:1.36\" }\n}\n\nqueue_worker resizer {\n  cluster = work\n  task    = resize\n}\n";
    let dir = deployed(&m, "destroy-guard", "jobs.cairn", program);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    let o = live(&["destroy", "jobs.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("stateful: blocked (the messages in it)"), "{t}");
    assert!(t.contains("allow_delete = [\"resizer\"]"), "{t}");
    let o = live(&["plan", "jobs.cairn", "--detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "nothing was deleted: {}",
        text(&o)
    );
    std::fs::write(
        dir.join("jobs.cairn"),
        program.replace(
            "name = \"jobs\"\n",
            "name = \"jobs\"\n  allow_delete = [\"resizer\"]\n",
        ),
    )
    .unwrap();
    let o = live(&["destroy", "jobs.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("stateful: allowed (the messages in it)"),
        "{}",
        text(&o)
    );
}

#[test]
fn destroy_deletes_importers_before_the_stacks_they_import_from() {
    let Some(m) = cfn_double() else { return };
    let dir = deployed(&m, "destroy-split", "tiny.cairn", SPLIT);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    let o = live(&["destroy", "tiny.cairn", "--yes"]);
    // The double refuses to delete a stack whose exports are imported, as
    // CloudFormation does: success means the order was right.
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = text(&o);
    let at = |s: &str| {
        t.find(&format!("{s}: deleted"))
            .unwrap_or_else(|| panic!("{s} not deleted: {t}"))
    };
    assert!(at("tiny-one") < at("tiny-a"), "{t}");
    assert!(at("tiny") < at("tiny-b"), "{t}");
}

#[test]
fn a_replacement_cloudformation_cannot_make_is_refused_at_plan_time() {
    let Some(m) = cfn_double() else { return };
    let program = "project {\n  name          = \"named\"\n  allow_replace = [\"retail\"]\n}\n\nparam services: cidr = \"172.20.0.0/16\"\n\nnetwork main {\n  zones = 2\n}\n\ncluster retail {\n  network      = main\n  admins       = [\"arn:aws:iam::111122223333:role/admin\"]\n  service_cidr = services\n}\n";
    let dir = deployed(&m, "named", "named.cairn", program);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    // allow_replace allows losing the cluster, but CloudFormation cannot
    // replace a resource whose name stays: the plan says so, apply refuses.
    let o = live(&[
        "apply",
        "named.cairn",
        "--param",
        "services=172.21.0.0/16",
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("Refused: 1 change(s) CloudFormation cannot make"),
        "{t}"
    );
    assert!(t.contains("its Name would stay `named-retail`"), "{t}");
    assert!(t.contains("refusing to apply"), "{t}");
    let o = live(&["plan", "named.cairn", "--detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "nothing was applied: {}",
        text(&o)
    );
}

#[test]
fn a_change_to_an_export_in_use_is_refused_at_plan_time() {
    let Some(m) = cfn_double() else { return };
    let program = SPLIT.replace(
        "network a {\n  zones = 2\n}",
        "param acidr: cidr = \"10.0.0.0/16\"\n\nnetwork a {\n  zones = 2\n  cidr  = acidr\n}",
    );
    let dir = deployed(&m, "export-lock", "tiny.cairn", &program);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    let o = live(&[
        "apply",
        "tiny.cairn",
        "--param",
        "acidr=10.9.0.0/16",
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("its replacement changes the export `tiny-a:APrivateSubnet1`, which stack(s) `tiny-one` import"),
        "{t}"
    );
    assert!(
        !t.contains("UPDATE_ROLLBACK"),
        "refused before CloudFormation rolled anything back: {t}"
    );
    let o = live(&["plan", "tiny.cairn", "--detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "nothing was applied: {}",
        text(&o)
    );
}

/// Every buildable program of the repository: the examples, and the ok
/// cases (eksctl's translations among them), each as it is built by the
/// suite, with its `// cairn: --param` directives.
fn every_program() -> Vec<(String, PathBuf)> {
    let mut out = vec![];
    for e in std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
    {
        let p = e.path();
        if p.is_dir()
            && std::fs::read_dir(&p)
                .unwrap()
                .flatten()
                .any(|f| f.path().extension().is_some_and(|x| x == "cairn"))
        {
            out.push((format!("example-{}", e.file_name().to_string_lossy()), p));
        }
    }
    for e in std::fs::read_dir(repo().join("tests/cases/ok"))
        .unwrap()
        .flatten()
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "cairn") {
            out.push((
                format!("case-{}", p.file_stem().unwrap().to_string_lossy()),
                p,
            ));
        }
    }
    out.sort();
    out
}

/// Copies a program (a file with the `modules/` beside it, or a directory)
/// into `dir`; returns the path to pass to cairn, relative to `dir`.
fn copy_program(src: &Path, dir: &Path) -> String {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let (p, q) = (e.path(), to.join(e.file_name()));
            if p.is_dir() {
                copy_dir(&p, &q);
            } else {
                std::fs::copy(&p, &q).unwrap();
            }
        }
    }
    if src.is_dir() {
        copy_dir(src, &dir.join("program"));
        "program".into()
    } else {
        let modules = src.parent().unwrap().join("modules");
        if modules.is_dir() {
            copy_dir(&modules, &dir.join("modules"));
        }
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(src, dir.join(&name)).unwrap();
        name
    }
}

/// The file of a program that holds (or should hold) its `project` block.
fn project_file(dir: &Path, program: &str) -> PathBuf {
    let p = dir.join(program);
    if !p.is_dir() {
        return p;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&p)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|f| f.extension().is_some_and(|x| x == "cairn"))
        .collect();
    files.sort();
    files
        .iter()
        .find(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .any(|l| l.starts_with("project {"))
        })
        .cloned()
        .unwrap_or_else(|| p.join("zz-project.cairn"))
}

/// Adds `field = value` to the program's project block (making one when
/// there is none); a map field that exists gets the entry added.
fn add_to_project(file: &Path, field: &str, entry: &str) {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("project {")) else {
        let block = format!("project {{\n  {field} = {}\n}}\n\n", entry);
        std::fs::write(file, block + &text).unwrap();
        return;
    };
    let end = lines
        .iter()
        .skip(start)
        .position(|l| l == "}")
        .map(|i| i + start)
        .unwrap();
    let existing = (start..end).find(|i| {
        let l = lines[*i].trim_start();
        l.starts_with(field) && l[field.len()..].trim_start().starts_with('=')
    });
    match existing {
        Some(i) => {
            let (key, value) = lines[i].split_once('=').unwrap();
            let inner = entry
                .trim_start_matches(['{', '['])
                .trim_end_matches(['}', ']'])
                .trim();
            let open = if entry.starts_with('{') { '{' } else { '[' };
            let value = value.trim();
            let rest = value.get(1..).unwrap_or("").trim();
            let joined = if rest == "}" || rest == "]" || rest.is_empty() && value.len() == 1 {
                format!("{open} {inner} {}", if rest.is_empty() { "" } else { rest })
            } else {
                format!("{open} {inner}, {rest}")
            };
            lines[i] = format!("{key}= {}", joined.trim_end());
        }
        None => lines.insert(start + 1, format!("  {field} = {entry}")),
    }
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
}

/// Create, a no-op plan, an update (a project tag added: every taggable
/// resource changes) whose live plan agrees with CloudFormation's change
/// sets resource by resource, and destroy (allowing what the guard names).
fn lifecycle(m: &Double, index: usize, name: &str, src: &Path) -> Result<(), String> {
    let dir = scratch(&format!("life-{name}"));
    let program = copy_program(src, &dir);
    let mut args: Vec<String> = vec![];
    if !src.is_dir() {
        for (k, v) in cairn_directives(&std::fs::read_to_string(src).unwrap()) {
            args.extend(["--param".to_string(), format!("{k}={v}")]);
        }
    }
    let prefix = format!("p{index}-");
    let run = |verb: &[&str]| {
        let mut a: Vec<&str> = verb.to_vec();
        a.push(&program);
        a.extend(args.iter().map(String::as_str));
        a.extend(["--stack-prefix", &prefix]);
        against(m, "us-east-1", &a, &dir)
    };
    let step = |what: &str, o: &Output, want: i32| {
        if o.status.code() == Some(want) {
            Ok(())
        } else {
            Err(format!(
                "{name}: {what} exited {:?}, not {want}:\n{}",
                o.status.code(),
                text(o)
            ))
        }
    };
    step("create", &run(&["apply", "--yes", "-q"]), 0)?;
    step("the no-op plan", &run(&["plan", "--detailed-exitcode"]), 0)?;
    add_to_project(
        &project_file(&dir, &program),
        "tags",
        "{ suite = \"updated\" }",
    );
    let o = run(&["plan", "--detailed-exitcode"]);
    step("the update's plan", &o, 2)?;
    if text(&o).contains("disagree") {
        return Err(format!(
            "{name}: the live plan disagrees with CloudFormation:\n{}",
            text(&o)
        ));
    }
    step("the update", &run(&["apply", "--yes", "-q"]), 0)?;
    step(
        "the plan after the update",
        &run(&["plan", "--detailed-exitcode"]),
        0,
    )?;
    let mut o = run(&["destroy", "--yes", "-q"]);
    if o.status.code() == Some(1) {
        // The guard names what it protects; allow exactly that and go on.
        let allowed: Vec<String> = text(&o)
            .lines()
            .filter_map(|l| {
                l.split_once("allow_delete = [\"")
                    .map(|(_, r)| r.trim_end_matches("\"]").to_string())
            })
            .collect();
        if allowed.is_empty() {
            return Err(format!("{name}: destroy failed:\n{}", text(&o)));
        }
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        add_to_project(
            &project_file(&dir, &program),
            "allow_delete",
            &format!("[{list}]"),
        );
        o = run(&["destroy", "--yes", "-q"]);
    }
    step("destroy", &o, 0)?;
    let o = run(&["destroy", "--yes"]);
    if !text(&o).contains("nothing to destroy") {
        return Err(format!("{name}: stacks left after destroy:\n{}", text(&o)));
    }
    Ok(())
}

fn cairn_directives(text: &str) -> Vec<(String, String)> {
    text.lines()
        .take_while(|l| l.starts_with("//"))
        .filter_map(|l| l.strip_prefix("// cairn: --param "))
        .filter_map(|r| r.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Every program in shard `shard` of `of`, through its whole life on one
/// double; all failures reported together.
fn lifecycle_shard(shard: usize, of: usize) {
    let Some(m) = cfn_double() else { return };
    let failures: Vec<String> = every_program()
        .iter()
        .enumerate()
        .filter(|(i, _)| i % of == shard)
        .filter_map(|(i, (name, src))| lifecycle(&m, i, name, src).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_program_is_created_updated_and_destroyed_0() {
    lifecycle_shard(0, 4);
}

#[test]
fn every_program_is_created_updated_and_destroyed_1() {
    lifecycle_shard(1, 4);
}

#[test]
fn every_program_is_created_updated_and_destroyed_2() {
    lifecycle_shard(2, 4);
}

#[test]
fn every_program_is_created_updated_and_destroyed_3() {
    lifecycle_shard(3, 4);
}

#[test]
fn throttling_is_retried_and_the_apply_converges() {
    // Every action's first three calls are throttled; the SDK's bounded
    // retries (4 attempts) get through.
    let Some(m) = double(&["--throttle", "3"]) else {
        return;
    };
    let dir = scratch("throttle");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let o = against(
        &m,
        "us-east-1",
        &["apply", "shop.cairn", "--yes", "-q"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = against(
        &m,
        "us-east-1",
        &["plan", "shop.cairn", "--detailed-exitcode"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn a_failing_update_rolls_back_and_the_stack_stays_as_it_was() {
    // The third zone's subnet fails: the update rolls back, the stack keeps
    // its two zones, and applying the program it has converges at once.
    let Some(m) = double(&["--fail", "^MainPrivateSubnet3$"]) else {
        return;
    };
    let dir = deployed(&m, "rollback", "shop.cairn", PROGRAM);
    let live = |args: &[&str]| against(&m, "us-east-1", args, &dir);
    let o = live(&["apply", "shop.cairn", "--param", "zones=3", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("error: apply failed in stack `shop`"), "{t}");
    assert!(
        t.contains("resource: MainPrivateSubnet3 (declared as `main` at "),
        "{t}"
    );
    assert!(t.contains("injected failure of MainPrivateSubnet3"), "{t}");
    assert!(t.contains("stack:    UPDATE_ROLLBACK_COMPLETE"), "{t}");
    assert!(
        t.contains("the update was rolled back and the stack is as before"),
        "{t}"
    );
    let o = live(&["plan", "shop.cairn", "--detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "not deleted, as it was: {}",
        text(&o)
    );
    let o = live(&["apply", "shop.cairn", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("nothing to apply"), "{}", text(&o));
}

/// `cairn ARGS` against the double, running in the background.
fn spawn_against(m: &Double, args: &[&str], dir: &Path) -> std::process::Child {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--endpoint-url", &m.url, "--region", "us-east-1"]);
    command(&a, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn an_interrupted_apply_leaves_a_busy_stack_that_the_next_apply_waits_for() {
    // Executions stay in progress for six polls: the first apply is
    // interrupted while watching; CloudFormation goes on; the next apply
    // waits for the busy stack and converges.
    let Some(m) = double(&["--slow", "6"]) else {
        return;
    };
    let dir = scratch("busy");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let child = spawn_against(&m, &["apply", "shop.cairn", "--yes"], &dir);
    std::thread::sleep(Duration::from_millis(2500));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(text(&o).contains("CloudFormation goes on"), "{}", text(&o));
    let o = against(&m, "us-east-1", &["apply", "shop.cairn", "--yes"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("busy (CREATE_IN_PROGRESS); waiting"),
        "{}",
        text(&o)
    );
    let o = against(
        &m,
        "us-east-1",
        &["plan", "shop.cairn", "--detailed-exitcode"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "converged: {}", text(&o));
}

#[test]
fn an_endpoint_dying_mid_apply_is_reported_and_a_rerun_converges() {
    let Some(mut m) = double(&["--slow", "6"]) else {
        return;
    };
    let dir = scratch("dying");
    std::fs::write(dir.join("shop.cairn"), PROGRAM).unwrap();
    let child = spawn_against(&m, &["apply", "shop.cairn", "--yes"], &dir);
    std::thread::sleep(Duration::from_millis(2500));
    let start = Instant::now();
    let _ = m.child.kill();
    let _ = m.child.wait();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("CloudFormation is unreachable"),
        "{}",
        text(&o)
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "bounded: {:?}",
        start.elapsed()
    );
    // A CloudFormation that answers again: the rerun creates what is missing.
    let Some(m) = cfn_double() else { return };
    let o = against(
        &m,
        "us-east-1",
        &["apply", "shop.cairn", "--yes", "-q"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = against(
        &m,
        "us-east-1",
        &["plan", "shop.cairn", "--detailed-exitcode"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
