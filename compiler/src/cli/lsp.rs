//! `cairn lsp`: the language server on stdio, reading the disk for the
//! files of a program that the editor has not opened.

use cairn::lsp::server::{self, Workspace};
use lsp_server::Connection;
use std::path::{Path, PathBuf};

struct Disk;

impl Workspace for Disk {
    fn program_files(&self, file: &Path) -> Vec<PathBuf> {
        let Some(dir) = file.parent() else {
            return vec![file.to_path_buf()];
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "cairn"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    fn read(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }

    fn loader(&self) -> cairn::resolve::modules::Loader {
        std::sync::Arc::new(|p: &str| std::fs::read_to_string(p).map_err(|e| e.to_string()))
    }
}

pub fn run() -> i32 {
    let (conn, io) = Connection::stdio();
    let caps = match serde_json::to_value(server::capabilities()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if let Err(e) = conn.initialize(caps) {
        eprintln!("error: the client did not initialize: {e}");
        return 1;
    }
    let served = server::serve(&conn, &Disk);
    drop(conn);
    let _ = io.join();
    match served {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
