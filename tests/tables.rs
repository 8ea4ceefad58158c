//! The generated tables against their committed sources, and the compiler
//! against the tables: every instance type of the EKS AMI's tables is
//! accepted, with its max pods, and every region of every partition.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{compile_text, repo_root};
use serde_json::Value;
use std::collections::BTreeMap;

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap()
}

/// Max pods per type, from the EKS AMI's two files as committed.
fn eks_ami_max_pods() -> BTreeMap<String, i64> {
    let mut pods = BTreeMap::new();
    for line in read("stdlib/data/gen/sources/eni-max-pods.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (t, n) = line.split_once(' ').unwrap();
        pods.insert(t.to_string(), n.trim().parse().unwrap());
    }
    for line in read("stdlib/data/gen/sources/instance-info.jsonl").lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let n = v["defaultMaxENIs"].as_i64().unwrap()
            * (v["ipv4AddressesPerInterface"].as_i64().unwrap() - 1)
            + 2;
        pods.insert(v["instanceType"].as_str().unwrap().to_string(), n);
    }
    pods
}

#[test]
fn every_type_of_the_eks_ami_tables_is_in_the_instance_table_with_its_max_pods() {
    let table: Value = serde_json::from_str(&read("stdlib/data/instance_types.json")).unwrap();
    let rows = table["rows"].as_object().unwrap();
    let source = eks_ami_max_pods();
    assert!(source.len() > 1300, "{} types", source.len());
    for (t, pods) in &source {
        assert_eq!(rows[t]["max_pods"].as_i64(), Some(*pods), "{t}");
    }
    assert_eq!(
        rows.len(),
        source.len(),
        "the table has types its sources lack"
    );
    // Spot checks of what the naming rules derive.
    assert_eq!(rows["m7g.large"]["arch"], "arm64");
    assert_eq!(rows["g5g.xlarge"]["accelerator"], "nvidia");
    assert_eq!(rows["inf2.xlarge"]["accelerator"], "neuron");
    assert_eq!(rows["g4ad.xlarge"]["accelerator"], "amd");
    assert_eq!(rows["c5a.xlarge"]["arch"], "x86_64");
}

#[test]
fn every_instance_type_is_accepted_by_a_node_group() {
    let table: Value = serde_json::from_str(&read("stdlib/data/instance_types.json")).unwrap();
    let mut program = String::from(
        "network main {}\n\ncluster c {\n  network = main\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n",
    );
    // Mac instances run macOS only: no EKS image exists for them, which
    // `image_for_mac_instances_is_refused` checks.
    let rows = table["rows"].as_object().unwrap();
    let eks = rows
        .iter()
        .filter(|(_, r)| !r["arch"].as_str().unwrap_or("").ends_with("_mac"));
    for (i, (t, _)) in eks.enumerate() {
        program.push_str(&format!(
            "\nself_managed_nodes n{i} {{\n  cluster        = c\n  instance_types = [\"{t}\"]\n}}\n"
        ));
    }
    let mut sources = cairn::source::Sources::new();
    let files = vec![sources.add("all-types.cairn", program)];
    let c = cairn::check_only(cairn::Input {
        sources,
        files,
        params: Default::default(),
        param_exprs: Default::default(),
        default_name: "all".into(),
        loader: None,
    });
    assert!(
        c.diagnostics.is_empty(),
        "{}",
        cairn_tests::rendered_diagnostics(&c)
    );
}

#[test]
fn image_for_mac_instances_is_refused() {
    let program = "network main {}\n\ncluster c {\n  network = main\n  admins  = [\"arn:aws:iam::111122223333:role/admin\"]\n}\n\nself_managed_nodes m {\n  cluster        = c\n  instance_types = [\"mac2.metal\"]\n}\n";
    let c = cairn_tests::compile_text("mac.cairn", program);
    let text = cairn_tests::rendered_diagnostics(&c);
    assert!(
        text.contains("E0222") && text.contains("arm64_mac"),
        "{text}"
    );
}

#[test]
fn every_region_of_every_partition_is_accepted() {
    let table: Value = serde_json::from_str(&read("stdlib/data/regions.json")).unwrap();
    let partitions = table["partitions"].as_array().unwrap();
    let ids: Vec<&str> = partitions
        .iter()
        .map(|p| p["partition"].as_str().unwrap())
        .collect();
    for id in [
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    ] {
        assert!(ids.contains(&id), "{id} missing");
    }
    for p in partitions {
        for r in p["regions"].as_array().unwrap() {
            let r = r.as_str().unwrap();
            let c = compile_text(
                "r.cairn",
                &format!("project {{\n  name   = \"r\"\n  region = \"{r}\"\n}}\n"),
            );
            assert!(
                !c.has_errors(),
                "{r}: {}",
                cairn_tests::rendered_diagnostics(&c)
            );
        }
    }
}
