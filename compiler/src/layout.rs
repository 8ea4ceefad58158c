//! Which files form a program: one rule for `cairn check`/`build` and the
//! language server alike.
//!
//! - A file named on the command line is a program by itself.
//! - A folder is one program when at most one of its `.cairn` files has a
//!   `project` block: `cairn build DIR` reads them all, and the editor
//!   analyses any of them together with the rest.
//! - A folder where several files have a `project` block is a folder of
//!   independent programs (environments, examples, test cases): the editor
//!   analyses each file alone, as `cairn check FILE` does, and `cairn
//!   check DIR` refuses the folder and names the programs in it.
//!
//! Module files are read through `module` declarations wherever they are;
//! a module folder (no `project` anywhere) is one program like any other.
//! Input: file names and texts (the caller reads them). No I/O here.

use crate::source::FileId;
use crate::syntax::ast::ItemKind;
use std::path::{Path, PathBuf};

/// Whether a text declares a `project` block at its top level. A file that
/// does not parse counts by what the parser recovered.
pub fn has_project(text: &str) -> bool {
    let (prog, _) = crate::syntax::parse(text, FileId(0));
    prog.items
        .iter()
        .any(|i| matches!(i.kind, ItemKind::Project(_)))
}

/// The files of a folder that each hold a `project` block; more than one
/// makes the folder a set of independent programs.
pub fn projects(files: &[(PathBuf, String)]) -> Vec<&Path> {
    files
        .iter()
        .filter(|(_, t)| has_project(t))
        .map(|(p, _)| p.as_path())
        .collect()
}

/// The files of the program that `file` belongs to, given every `.cairn`
/// file of its folder (with `file` among them).
pub fn program_of(file: &Path, folder: &[(PathBuf, String)]) -> Vec<PathBuf> {
    if projects(folder).len() > 1 {
        vec![file.to_path_buf()]
    } else {
        folder.iter().map(|(p, _)| p.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    #[test]
    fn a_folder_with_one_project_is_one_program() {
        let f = folder(&[
            ("app/main.cairn", "project {\n  name = \"app\"\n}\n"),
            ("app/net.cairn", "network main {}\n"),
        ]);
        assert_eq!(program_of(Path::new("app/net.cairn"), &f).len(), 2);
    }

    #[test]
    fn a_folder_of_environments_is_one_program_each() {
        let f = folder(&[
            (
                "envs/dev.cairn",
                "project {\n  name = \"dev\"\n}\nnetwork main {}\n",
            ),
            (
                "envs/prod.cairn",
                "project {\n  name = \"prod\"\n}\nnetwork main {}\n",
            ),
            ("envs/scratch.cairn", "network main {}\n"),
        ]);
        assert_eq!(
            program_of(Path::new("envs/prod.cairn"), &f),
            [PathBuf::from("envs/prod.cairn")]
        );
        assert_eq!(
            program_of(Path::new("envs/scratch.cairn"), &f),
            [PathBuf::from("envs/scratch.cairn")]
        );
    }
}
