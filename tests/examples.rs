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

/// The media pipeline works as its README says: the transcoder writes the
/// library the web task serves (one directory of one file system, not one
/// per task), and the thumbnail worker's containers are told their queue.
#[test]
fn media_pipeline_shares_its_library_and_tells_workers_their_queue() {
    let dir = examples()
        .into_iter()
        .find(|(n, _)| n == "example-media-pipeline")
        .map(|(_, d)| d)
        .unwrap();
    let c = compile_path(&dir);
    let out = c.output.expect("builds");
    let mut resources = serde_json::Map::new();
    for (path, text) in &out.files {
        if path.ends_with(".template.json") {
            let t: serde_json::Value = serde_json::from_str(text).unwrap();
            resources.extend(t["Resources"].as_object().unwrap().clone());
        }
    }
    let library: Vec<(&String, &serde_json::Value)> = resources
        .iter()
        .filter(|(id, r)| {
            r["Type"] == "AWS::EFS::AccessPoint" && id.ends_with("LibraryAccessPoint")
        })
        .map(|(id, r)| (id, &r["Properties"]["RootDirectory"]["Path"]))
        .collect();
    assert!(library.len() >= 2, "{library:?}");
    assert!(
        library.iter().all(|(_, p)| **p == "/library"),
        "every task's `library` is the same directory: {library:?}"
    );
    let worker = &resources["ThumbnailsTaskDefinition"]["Properties"]["ContainerDefinitions"];
    for container in worker.as_array().unwrap() {
        let env = container["Environment"].as_array().unwrap();
        assert!(
            env.iter()
                .any(|e| e["Name"] == "QUEUE_URL" && e["Value"]["Ref"] == "ThumbnailsQueue"),
            "{container}"
        );
    }
    assert_eq!(
        resources["ThumbnailsService"]["Properties"]["TaskDefinition"]["Ref"],
        "ThumbnailsTaskDefinition"
    );
}
