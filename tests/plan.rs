//! Offline plans: what they report, and that the README's demo stays true.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::plan::{self, Action, Allow, Certainty};
use cairn_tests::{compile_path, compile_text, repo_root};
use std::collections::BTreeMap;

fn files(c: &cairn::Compilation) -> BTreeMap<String, String> {
    assert!(!c.has_errors(), "{}", cairn_tests::rendered_diagnostics(c));
    c.output.clone().unwrap().files
}

fn allow_of(c: &cairn::Compilation) -> Allow {
    Allow::of(&c.program.as_ref().unwrap().project)
}

fn stdlib() -> &'static cairn::schema::Stdlib {
    cairn::schema::Stdlib::get().unwrap()
}

#[test]
fn the_deployed_demo_is_the_build_of_previous_cairn() {
    let dir = repo_root().join("examples/retail/deployed");
    let built = files(&compile_path(&dir.join("previous.cairn")));
    for (rel, text) in &built {
        let path = dir.join(rel);
        if std::env::var("CAIRN_BLESS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &have == text,
            "{rel} is stale: run `CAIRN_BLESS=1 cargo test -p cairn-tests --test plan`"
        );
    }
}

#[test]
fn the_readme_demo_shows_an_update_a_replacement_and_a_blocked_delete() {
    let dir = repo_root().join("examples/retail/deployed");
    let old = files(&compile_path(&dir.join("previous.cairn")));
    let c = compile_path(&repo_root().join("examples/retail"));
    let p = plan::offline(&files(&c), &old, stdlib(), &allow_of(&c));
    let changes: Vec<_> = p.stacks[0]
        .changes
        .iter()
        .map(|c| (c.logical_id.as_str(), c.action))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("BatchFargateProfile", Action::Replace),
            ("LegacyImagesRepository", Action::Delete),
            ("WorkersNodegroup", Action::Update)
        ]
    );
    let replace = p.stacks[0].changes[0].replacement.clone().unwrap();
    assert_eq!(
        (replace.property.as_str(), replace.certainty),
        ("Selectors", Certainty::Certain)
    );
    let blocked = p.stacks[0].changes[1].blocked.clone().unwrap();
    assert_eq!(blocked.allow, "allow_delete = [\"legacy_images\"]");
    assert_eq!(
        p.stacks[0].changes[2].properties[0].path,
        "ScalingConfig.MaxSize"
    );
    insta::assert_snapshot!("retail-plan-text", plan::render::text(&p, false));
    insta::assert_snapshot!("retail-plan-markdown", plan::render::markdown(&p));
    insta::assert_snapshot!("retail-plan-json", plan::render::json(&p));
}

#[test]
fn allowing_the_delete_unblocks_it() {
    let old = files(&compile_path(
        &repo_root().join("examples/retail/deployed/previous.cairn"),
    ));
    let c = compile_path(&repo_root().join("examples/retail"));
    let allow = Allow {
        delete: vec!["legacy_images".into()],
        ..Default::default()
    };
    let p = plan::offline(&files(&c), &old, stdlib(), &allow);
    assert_eq!(p.summary.blocked, 0);
    assert_eq!(p.summary.delete, 1);
}

#[test]
fn the_same_build_plans_no_change() {
    let c = compile_path(&repo_root().join("examples/platform"));
    let f = files(&c);
    let p = plan::offline(&f, &f, stdlib(), &Allow::default());
    assert!(!p.has_changes());
    assert!(plan::render::text(&p, false).contains("no changes"));
}

const NET: &str = "project {\n  name = \"p\"\n}\n\nnetwork main {}\n\n";

#[test]
fn renaming_a_cluster_is_refused_with_the_line_to_add() {
    let cluster = |name: &str| {
        format!("{NET}cluster {name} {{\n  network = main\n  admins = [\"arn:aws:iam::1:role/a\"]\n}}\n")
    };
    let old = files(&compile_text("a.cairn", &cluster("blue")));
    let c = compile_text("a.cairn", &cluster("green"));
    let p = plan::offline(&files(&c), &old, stdlib(), &allow_of(&c));
    let deleted = p.stacks[0]
        .changes
        .iter()
        .find(|c| c.logical_id == "BlueCluster")
        .unwrap();
    assert_eq!(deleted.action, Action::Delete);
    assert_eq!(
        deleted.blocked.as_ref().unwrap().allow,
        "allow_delete = [\"blue\"]"
    );
    assert!(p.stacks[0]
        .changes
        .iter()
        .any(|c| c.logical_id == "GreenCluster" && c.action == Action::Create));
    assert!(
        p.summary.blocked >= 2,
        "the cluster and its key are both stateful"
    );
    // Said explicitly, the program may do it.
    let allowed = compile_text(
        "a.cairn",
        &cluster("green").replace("name = \"p\"", "name = \"p\"\n  allow_delete = [\"blue\"]"),
    );
    let p = plan::offline(&files(&allowed), &old, stdlib(), &allow_of(&allowed));
    assert_eq!(p.summary.blocked, 0);
}

#[test]
fn a_create_only_change_through_a_deployed_value_is_conditional() {
    let ng = |cluster: &str| {
        format!("{NET}cluster a {{\n  network = main\n  admins = [\"arn:aws:iam::1:role/a\"]\n}}\n\ncluster b {{\n  network = main\n  admins = [\"arn:aws:iam::1:role/a\"]\n}}\n\nnodegroup n {{\n  cluster = {cluster}\n  instance_types = [\"m5.large\"]\n}}\n")
    };
    let old = files(&compile_text("a.cairn", &ng("a")));
    let c = compile_text("a.cairn", &ng("b"));
    let p = plan::offline(&files(&c), &old, stdlib(), &allow_of(&c));
    let n = p.stacks[0]
        .changes
        .iter()
        .find(|c| c.logical_id == "NNodegroup")
        .unwrap();
    assert_eq!(n.action, Action::Replace);
    assert_eq!(
        n.replacement.as_ref().unwrap().certainty,
        Certainty::Conditional
    );
    assert_eq!(n.replacement.as_ref().unwrap().property, "ClusterName");
}

#[test]
fn the_security_section_lists_broadening() {
    let svc = |public: bool| {
        format!("{NET}cluster k {{\n  network = main\n  endpoint = {}\n  {}admins = [\"arn:aws:iam::1:role/a\"]\n}}\n", if public { "both" } else { "private" }, if public { "public_cidrs = [\"203.0.113.0/24\"]\n  " } else { "" })
    };
    let old = files(&compile_text("a.cairn", &svc(false)));
    let c = compile_text("a.cairn", &svc(true));
    let p = plan::offline(&files(&c), &old, stdlib(), &allow_of(&c));
    assert!(
        p.security
            .added
            .iter()
            .any(|l| l.contains("public Kubernetes API from [\"203.0.113.0/24\"]")),
        "{:?}",
        p.security
    );
}

#[test]
fn long_values_are_shown_as_diffs_not_clipped() {
    let nodes = |labels: &str| {
        format!("{NET}cluster c {{\n  network = main\n  admins = [\"arn:aws:iam::1:role/a\"]\n}}\n\nself_managed_nodes gpu {{\n  cluster = c\n  instance_types = [\"m5.large\"]\n  labels = {labels}\n}}\n")
    };
    let old = files(&compile_text("a.cairn", &nodes("{ role = \"batch\" }")));
    let c = compile_text("a.cairn", &nodes("{ role = \"gpu\", tier = \"2\" }"));
    let p = plan::offline(&files(&c), &old, stdlib(), &allow_of(&c));
    let text = plan::render::text(&p, false);
    assert!(
        text.contains("LaunchTemplateData.UserData changed\n"),
        "{text}"
    );
    let removed = text.lines().find(|l| l.trim_start().starts_with("- "));
    let added = text.lines().find(|l| l.trim_start().starts_with("+ "));
    assert!(
        removed.is_some_and(|l| l.contains("role=batch"))
            && added.is_some_and(|l| l.contains("role=gpu,tier=2")),
        "{text}"
    );
    let md = plan::render::markdown(&p);
    assert!(md.contains("role=gpu,tier=2"), "{md}");
}

/// A split program that grows by one team: each move is a delete and a
/// create that name each other, and a moved cluster is blocked like any
/// other loss. A team added to the map the fleet's `for` iterates moves
/// nothing, wherever its key sorts. A team added as a module of its own
/// mostly moves nothing either, but may close a segment (`zeta`): the
/// declarations before it in the last stack then move to a new stack named
/// after it, at most a stack's worth.
#[test]
fn growing_a_split_program_moves_few_resources_and_says_so() {
    let fleet = repo_root().join("examples/fleet");
    let old = compile_path(&fleet);
    let main = std::fs::read_to_string(fleet.join("main.cairn")).unwrap();
    let grow = |name: &str, grown: String| {
        let dir =
            std::env::temp_dir().join(format!("cairn-plan-grow-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("modules")).unwrap();
        let team = std::fs::read_to_string(fleet.join("modules/team.cairn")).unwrap();
        std::fs::write(dir.join("modules/team.cairn"), team).unwrap();
        std::fs::write(dir.join("main.cairn"), grown).unwrap();
        let new = compile_path(&dir);
        let p = plan::offline(&files(&new), &files(&old), stdlib(), &allow_of(&new));
        check_moves(&p)
    };
    let mut moves = BTreeMap::new();
    for name in [
        "kiosk", "ledger2", "banking", "zeta", "offers", "quotes", "aaa", "zzz",
    ] {
        // One more entry in the map the teams' `for` iterates.
        let grown = main.replacen(
            "let teams = {\n",
            &format!("let teams = {{\n  {name} = \"east\"\n"),
            1,
        );
        assert_ne!(grown, main, "the fleet keeps its teams in `let teams`");
        moves.insert(name, grow(name, grown));
    }
    assert!(moves.values().all(|m| *m == 0), "{moves:?}");
    let mut moves = BTreeMap::new();
    for name in ["wolf", "xylo", "zeta"] {
        let grown = format!(
            "{main}\nmodule {name} \"./modules/team.cairn\" {{\n  network = shared[\"east\"]\n  admins  = admins\n}}\n"
        );
        moves.insert(name, grow(name, grown));
    }
    assert_eq!(moves["wolf"] + moves["xylo"], 0, "{moves:?}");
    assert!(moves["zeta"] > 0, "{moves:?}");
}

/// Checks the moves of a plan where one team (18 resources) was added, and
/// returns how many resources moved.
fn check_moves(p: &plan::Plan) -> usize {
    let changes: Vec<(&str, &plan::Change)> = p
        .stacks
        .iter()
        .flat_map(|s| s.changes.iter().map(move |c| (s.name.as_str(), c)))
        .collect();
    let fresh = changes
        .iter()
        .filter(|(_, c)| c.action == Action::Create && c.moved.is_none())
        .count();
    assert_eq!(fresh, 18, "only the new team is new: {p:#?}");
    let moved: Vec<&(&str, &plan::Change)> =
        changes.iter().filter(|(_, c)| c.moved.is_some()).collect();
    // Nothing but creates and the halves of moves: no stack is rewritten.
    assert_eq!(
        moved.len() + fresh,
        changes
            .iter()
            .filter(|(_, c)| c.action != Action::Update)
            .count()
    );
    assert!(
        moved.len() / 2 <= 500,
        "at most one stack's worth moves: {}",
        moved.len()
    );
    for (stack, c) in &moved {
        let other = match c.moved.as_ref().unwrap() {
            plan::Moved::To(s) | plan::Moved::From(s) => s,
        };
        let twin = changes
            .iter()
            .find(|(s, d)| s == other && d.logical_id == c.logical_id)
            .unwrap();
        assert_ne!(twin.1.action, c.action, "{stack} {}", c.logical_id);
        if c.action == Action::Delete && c.stateful {
            assert!(c.blocked.is_some(), "{}", c.logical_id);
        }
    }
    if let Some((_, c)) = moved.iter().find(|(_, c)| c.action == Action::Create) {
        let text = plan::render::text(p, false);
        let line = text
            .lines()
            .find(|l| l.contains(&format!(" {} ", c.logical_id)))
            .unwrap();
        assert!(line.contains("moves from stack"), "{line}");
    }
    moved.len() / 2
}

const REPO_AND_SERVICE: &str = r#"
project {
  name = "shop"
}

network main {
  zones = 2
}

ecs_cluster apps {
  network = main
}

ecr_repository images {}

task web_task {
  container = { image = "${images.uri}:1", port = 8080 }
}

ecs_service web {
  cluster = apps
  task    = web_task
}
"#;

#[test]
fn a_service_of_an_image_from_a_repository_created_with_it_gets_a_note() {
    let c = compile_text("repo-and-service.cairn", REPO_AND_SERVICE);
    let p = plan::offline(&files(&c), &BTreeMap::new(), stdlib(), &allow_of(&c));
    assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
    assert_eq!(p.notes[0].created, "ImagesRepository");
    assert_eq!(p.notes[0].readers, vec!["WebService".to_string()]);
    let text = plan::render::text(&p, false);
    assert!(
        text.contains("holds no image until one is pushed"),
        "{text}"
    );
    assert!(plan::render::markdown(&p).contains("ImagesRepository"));
    // Once the repository exists, the same build needs no note.
    let before = files(&c);
    let p = plan::offline(&files(&c), &before, stdlib(), &allow_of(&c));
    assert!(p.notes.is_empty());
}

#[test]
fn a_repository_created_alone_gets_no_note() {
    let text = REPO_AND_SERVICE.replace("${images.uri}:1", "public.ecr.aws/nginx/nginx:stable");
    let c = compile_text("repo-alone.cairn", &text);
    let p = plan::offline(&files(&c), &BTreeMap::new(), stdlib(), &allow_of(&c));
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

/// Terraform's `count` lesson: declarations a `for` makes are keyed by
/// their element, so removing one from the middle of the list deletes that
/// element's resources and touches no other's.
#[test]
fn removing_an_element_of_a_for_deletes_only_its_resources() {
    let program = |teams: &str| {
        format!(
            "project {{\n  name = \"keyed\"\n}}\n\nfor team in [{teams}] {{\n  ecr_repository images {{}}\n\n  network net {{\n    zones = 2\n  }}\n}}\n"
        )
    };
    let old = compile_text("main.cairn", &program("\"ads\", \"cart\", \"search\""));
    let new = compile_text("main.cairn", &program("\"ads\", \"search\""));
    assert!(!old.has_errors() && !new.has_errors());
    let p = plan::offline(&files(&new), &files(&old), stdlib(), &allow_of(&new));
    let changes: Vec<&plan::Change> = p.stacks.iter().flat_map(|s| &s.changes).collect();
    assert!(!changes.is_empty());
    for c in &changes {
        assert_eq!(c.action, Action::Delete, "{}", c.logical_id);
        assert!(c.logical_id.contains("Cart"), "{}", c.logical_id);
    }
}
