//! `cairn lsp` as an editor drives it: the protocol over in-memory pipes,
//! against programs the server has never seen, one capability per test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::lsp::server::{self, Workspace};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Files on a pretend disk.
struct Memory(Arc<BTreeMap<PathBuf, String>>);

impl Workspace for Memory {
    fn program_files(&self, file: &Path) -> Vec<PathBuf> {
        self.0
            .keys()
            .filter(|p| p.parent() == file.parent())
            .cloned()
            .collect()
    }
    fn read(&self, path: &Path) -> Option<String> {
        self.0.get(path).cloned()
    }
    fn loader(&self) -> cairn::resolve::modules::Loader {
        let files = self.0.clone();
        Arc::new(move |p: &str| files.get(Path::new(p)).cloned().ok_or("missing".into()))
    }
}

struct Client {
    conn: Connection,
    next: i32,
    server: Option<std::thread::JoinHandle<()>>,
}

fn uri(path: &str) -> String {
    format!("file://{path}")
}

impl Client {
    fn start(disk: &[(&str, &str)]) -> Client {
        let files: BTreeMap<PathBuf, String> = disk
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        let (server_side, client_side) = Connection::memory();
        let handle = std::thread::spawn(move || {
            let caps = serde_json::to_value(server::capabilities()).unwrap();
            server_side.initialize(caps).unwrap();
            server::serve(&server_side, &Memory(Arc::new(files))).unwrap();
        });
        let mut c = Client {
            conn: client_side,
            next: 0,
            server: Some(handle),
        };
        let init = c.request("initialize", json!({ "capabilities": {} }));
        assert!(init["capabilities"]["hoverProvider"] == true, "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let r = Request::new(id.clone(), method.to_string(), params);
        self.conn.sender.send(Message::Request(r)).unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(10))
                .unwrap()
            {
                Message::Response(r) if r.id == id => {
                    if let Some(e) = r.error {
                        return json!({ "error": e.message });
                    }
                    return r.result.unwrap_or(Value::Null);
                }
                _ => {}
            }
        }
    }

    /// The next diagnostics published for `path`.
    fn diagnostics(&self, path: &str) -> Vec<Value> {
        loop {
            let m = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(10))
                .unwrap();
            if let Message::Notification(n) = m {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri(path) {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
            }
        }
    }

    fn open(&self, path: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "cairn", "version": 1, "text": text } }),
        );
    }

    fn change(&self, path: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// The hover text at `needle`, or "" when there is none.
    fn hover(&mut self, path: &str, text: &str, needle: &str) -> String {
        let h = self.at("textDocument/hover", path, text, needle, json!({}));
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn at(&mut self, method: &str, path: &str, text: &str, needle: &str, extra: Value) -> Value {
        let (line, character) = position(text, needle);
        let mut params = json!({
            "textDocument": { "uri": uri(path) },
            "position": { "line": line, "character": character },
        });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.request(method, params)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(h) = self.server.take() {
            let _ = h.join();
        }
    }
}

/// Line and column of the first `needle` in `text`, at its `|` if it has
/// one (`"clus|ter"` is the cursor inside `cluster`).
fn position(text: &str, needle: &str) -> (usize, usize) {
    let bar = needle.find('|').unwrap_or(0);
    let plain = needle.replace('|', "");
    let at = text
        .find(&plain)
        .unwrap_or_else(|| panic!("`{plain}` not in text"))
        + bar;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = at - before.rfind('\n').map_or(0, |i| i + 1);
    (line, col)
}

const NETWORK: &str = "/app/network.cairn";
const CLUSTER: &str = "/app/cluster.cairn";
const NETWORK_TEXT: &str = "network main {\n  zones = 2\n}\n";
const CLUSTER_TEXT: &str = "cluster retail {\n  network = main\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n\nnodegroup workers {\n  cluster        = retail\n  instance_types = [\"m5.large\"]\n  scaling        = { min = 3, desired = 2, max = 5 }\n}\n";

fn app() -> Client {
    Client::start(&[(NETWORK, NETWORK_TEXT), (CLUSTER, CLUSTER_TEXT)])
}

#[test]
fn diagnostics_arrive_on_the_right_line_and_clear_when_fixed() {
    let c = app();
    c.open(CLUSTER, CLUSTER_TEXT);
    let d = c.diagnostics(CLUSTER);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "E0210");
    assert_eq!(d[0]["severity"], 1);
    // At the `3` of `min = 3`.
    let (line, col) = position(CLUSTER_TEXT, "min = |3");
    assert_eq!(
        d[0]["range"]["start"],
        json!({ "line": line, "character": col })
    );
    assert_eq!(line, 8);
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("help: keep `min <= desired <= max`"));
    assert_eq!(d[0]["relatedInformation"][0]["message"], "`desired` is 2");
    // Changes in a row: the last text's diagnostics arrive (an earlier
    // text's may come first, when the server was quicker than the client).
    c.change(CLUSTER, 2, &CLUSTER_TEXT.replace("min = 3", "min = 4"));
    c.change(CLUSTER, 3, &CLUSTER_TEXT.replace("min = 3", "min = 1"));
    let mut d = c.diagnostics(CLUSTER);
    if !d.is_empty() {
        assert_eq!(d[0]["code"], "E0210", "{d:?}");
        d = c.diagnostics(CLUSTER);
    }
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn a_folder_of_independent_programs_is_analysed_file_by_file() {
    // Two environments, each with its own `project` and the same names, and
    // a third file with a mistake: as `cairn check FILE` sees each, with no
    // "declared twice" from the neighbours.
    let dev = "project {\n  name = \"dev\"\n}\n\nnetwork main {\n  zones = 2\n}\n";
    let prod = "project {\n  name = \"prod\"\n}\n\nnetwork main {\n  zones = 3\n}\n";
    let broken = "project {\n  name = \"scratch\"\n}\n\nnetwork main {\n  zones = 9\n}\n";
    let c = Client::start(&[
        ("/envs/dev.cairn", dev),
        ("/envs/prod.cairn", prod),
        ("/envs/scratch.cairn", broken),
    ]);
    c.open("/envs/prod.cairn", prod);
    assert!(c.diagnostics("/envs/prod.cairn").is_empty());
    c.open("/envs/scratch.cairn", broken);
    let d = c.diagnostics("/envs/scratch.cairn");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "E0209");
}

#[test]
fn hover_shows_a_fields_type_default_and_doc() {
    let mut c = app();
    c.open(CLUSTER, CLUSTER_TEXT);
    let v = c.hover(CLUSTER, CLUSTER_TEXT, "instance_|types");
    assert!(v.contains("instance_types: list<string>"), "{v}");
    // Optional since `instance_selector` may choose the types instead.
    assert!(v.contains("Optional."), "{v}");
    let v = c.hover(CLUSTER, CLUSTER_TEXT, "  clus|ter        = retail");
    assert!(
        v.contains("cluster: cluster") && v.contains("Required."),
        "{v}"
    );
    let v = c.hover(CLUSTER, CLUSTER_TEXT, "node|group");
    assert!(v.contains("kind nodegroup"), "{v}");
    // A reference: its declaration, in the other file.
    let v = c.hover(CLUSTER, CLUSTER_TEXT, "ma|in");
    assert!(
        v.contains("network main") && v.contains("network.cairn"),
        "{v}"
    );
}

/// While the editor is still sending changes, hover and completion are
/// answered at once from the last analysis (or a fresh one, if the server
/// got there first): either way the answers are right, and the change is
/// still analysed after.
#[test]
fn hover_and_completion_answer_while_typing() {
    let mut c = app();
    c.open(CLUSTER, CLUSTER_TEXT);
    c.diagnostics(CLUSTER);
    for (version, typed) in [(2, "  capacity = spot\n}\n"), (3, "  disk = 80Gi\n}\n")] {
        let typing = CLUSTER_TEXT.replace("max = 5 }\n}\n", &format!("max = 5 }}\n{typed}"));
        c.change(CLUSTER, version, &typing);
        let h = c.at(
            "textDocument/hover",
            CLUSTER,
            &typing,
            "instance_|types",
            json!({}),
        );
        let v = h["contents"]["value"].as_str().unwrap_or_default();
        assert!(v.contains("instance_types: list<string>"), "{h}");
        let items = c.at(
            "textDocument/completion",
            CLUSTER,
            &typing,
            "cluster        = |",
            json!({}),
        );
        let labels: Vec<&str> = items
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["label"].as_str())
            .collect();
        assert_eq!(labels, ["retail"], "clusters only");
        let d = c.diagnostics(CLUSTER);
        assert!(
            d.iter().any(|d| d["code"] == "E0210"),
            "the change is still checked: {d:?}"
        );
    }
}

#[test]
fn completion_offers_the_fields_not_yet_set_in_a_node_group() {
    let mut c = app();
    let text = "nodegroup workers {\n  cluster = retail\n  \n}\n";
    c.open(CLUSTER, text);
    let items = c.at(
        "textDocument/completion",
        CLUSTER,
        text,
        "retail\n  |",
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"instance_types") && labels.contains(&"scaling"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"cluster"), "already set: {labels:?}");
    let scaling = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "scaling")
        .unwrap();
    assert_eq!(scaling["insertTextFormat"], 2, "a snippet");
    // Enum members at a value, and names of the right kind.
    let text = "cluster retail {\n  network = main\n}\n\nnodegroup workers {\n  capacity = \n  cluster = \n}\n";
    c.change(CLUSTER, 2, text);
    // A pause in typing (completion answers from the last analysis while a
    // change waits, and `retail` was typed in this very change): the
    // change's own diagnostics, its unfinished `capacity = `, have arrived.
    while !c
        .diagnostics(CLUSTER)
        .iter()
        .any(|d| d["code"].as_str().is_some_and(|x| x.starts_with("E00")))
    {}
    let labels = |items: Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let items = c.at(
        "textDocument/completion",
        CLUSTER,
        text,
        "capacity = |",
        json!({}),
    );
    assert_eq!(labels(items), ["on_demand", "spot"]);
    let items = c.at(
        "textDocument/completion",
        CLUSTER,
        text,
        "  cluster = |",
        json!({}),
    );
    assert_eq!(labels(items), ["retail"], "clusters only, not the network");
}

#[test]
fn definition_references_and_rename_span_the_directory_program() {
    let mut c = app();
    c.open(CLUSTER, CLUSTER_TEXT);
    let d = c.at(
        "textDocument/definition",
        CLUSTER,
        CLUSTER_TEXT,
        "network = ma|in",
        json!({}),
    );
    assert_eq!(d["uri"], uri(NETWORK));
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": 8 }));
    let refs = c.at(
        "textDocument/references",
        NETWORK,
        NETWORK_TEXT,
        "ma|in",
        json!({ "context": { "includeDeclaration": true } }),
    );
    let uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, [uri(NETWORK), uri(CLUSTER)]);
    let edit = c.at(
        "textDocument/rename",
        CLUSTER,
        CLUSTER_TEXT,
        "cluster        = re|tail",
        json!({ "newName": "shop" }),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(
        changes[&uri(CLUSTER)].as_array().unwrap().len(),
        2,
        "{edit}"
    );
    assert!(changes[&uri(CLUSTER)]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["newText"] == "shop"));
    let bad = c.at(
        "textDocument/rename",
        CLUSTER,
        CLUSTER_TEXT,
        "re|tail {",
        json!({ "newName": "main" }),
    );
    assert_eq!(bad["error"], "`main` is already declared");
}

#[test]
fn enum_members_that_share_a_name_are_not_references() {
    let mut c = Client::start(&[]);
    let path = "/solo/app.cairn";
    let text =
        "network api {\n  zones = 2\n}\n\ncluster c {\n  network = api\n  logging = [api]\n}\n";
    c.open(path, text);
    let refs = c.at(
        "textDocument/references",
        path,
        text,
        "network a|pi",
        json!({ "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["range"]["start"]["line"])
        .collect();
    assert_eq!(
        lines,
        [&json!(0), &json!(5)],
        "`logging = [api]` is the log type: {refs}"
    );
    let h = c.at("textDocument/hover", path, text, "[a|pi]", json!({}));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("log_type.api"),
        "{h}"
    );
}

#[test]
fn module_outputs_lead_to_the_module_file() {
    let mut c = Client::start(&[(
        "/m/modules/web.cairn",
        "param name: string\n\noutput url = \"https://${name}.example.com\"\n",
    )]);
    let path = "/m/main.cairn";
    let text =
        "module web \"./modules/web.cairn\" {\n  name = \"store\"\n}\n\noutput site = web.url\n";
    c.open(path, text);
    let d = c.at("textDocument/definition", path, text, "web.u|rl", json!({}));
    assert_eq!(d["uri"], uri("/m/modules/web.cairn"));
    assert_eq!(d["range"]["start"], json!({ "line": 2, "character": 7 }));
}

#[test]
fn symbols_and_formatting() {
    let mut c = app();
    let messy = "network main {\nzones=2\n}\n";
    c.open(NETWORK, messy);
    let s = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(NETWORK) } }),
    );
    assert_eq!(s[0]["name"], "main");
    assert_eq!(s[0]["detail"], "network");
    let f = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(NETWORK) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(f[0]["newText"], "network main {\n  zones = 2\n}\n");
    c.change(NETWORK, 2, "network main {\n  zones = \n");
    let f = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(NETWORK) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(
        f,
        Value::Null,
        "a file that does not parse is not formatted"
    );
}

/// Inside `for` and `if` blocks the editor answers as it does at the top
/// level: hover on fields, definitions of keyed references, kinds offered
/// where an item goes, the blocks in the outline, and a mistake in a block
/// reported once, not once per element.
#[test]
fn loops_and_conditions_are_understood_inside_their_blocks() {
    let path = "/loops/main.cairn";
    let text = "param prod: bool = true\n\nfor team in [\"ads\", \"cart\"] {\n  network net {\n    zones = 2\n  }\n\n  cluster eks {\n    network = net\n    admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n  }\n}\n\nif prod {\n  ecr_repository images {}\n}\n\noutput ads = eks[\"ads\"].endpoint\n";
    let mut c = Client::start(&[(path, text)]);
    c.open(path, text);
    assert_eq!(c.diagnostics(path), Vec::<Value>::new());
    let v = c.hover(path, text, "zo|nes");
    assert!(v.contains("zones: int"), "{v}");
    // The keyed name, and its attribute, both lead to `cluster eks`.
    for at in ["e|ks[\"ads\"]", "\"].endp|oint"] {
        let d = c.at("textDocument/definition", path, text, at, json!({}));
        assert_eq!(d["range"]["start"], json!({ "line": 7, "character": 10 }));
    }
    let items = c.at(
        "textDocument/completion",
        path,
        text,
        "  |ecr_repository",
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"cluster") && labels.contains(&"for"),
        "{labels:?}"
    );
    let s = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(path) } }),
    );
    assert_eq!(s[1]["name"], "for team");
    assert_eq!(s[1]["children"][1]["name"], "eks");
    assert_eq!(s[2]["children"][0]["name"], "images");
    let broken = text.replace("zones = 2", "zones = \"two\"");
    c.change(path, 2, &broken);
    let diags = c.diagnostics(path);
    assert_eq!(diags.len(), 1, "{diags:?}");
}
