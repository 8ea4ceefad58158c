//! The language server's loop: full-document sync, diagnostics published
//! shortly after the last change (changes arriving together are analysed
//! once), and one handler per request. The transport and the disk are the
//! caller's (`cairn lsp` passes stdio and the file system; the tests pass
//! memory), so this code does no I/O of its own.
//!
//! Each program's last analysis is kept with the texts it was made from, and
//! a request about unchanged files reuses it. Hover and completion asked
//! while the editor is still sending changes are answered at once from the
//! last analysis (about the text of a few milliseconds ago: completion
//! reads its context from the text as it is now) instead of waiting for a
//! check of the whole program.

use super::analysis::Analysis;
use super::{complete, convert, features};
use crate::resolve::modules::Loader;
use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// What the server may read besides the open documents.
pub trait Workspace {
    /// The `.cairn` files of the folder `file` is in; the server narrows
    /// them to `file`'s program by `layout::program_of`.
    fn program_files(&self, file: &Path) -> Vec<PathBuf>;
    fn read(&self, path: &Path) -> Option<String>;
    /// Reads module files.
    fn loader(&self) -> Loader;
}

/// How long the server waits for more changes before analysing. Changes
/// that queue up while it analyses are taken together anyway.
const SETTLE: Duration = Duration::from_millis(2);

pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["=".into(), " ".into(), "[".into(), "{".into()]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    }
}

struct Server<'a> {
    conn: &'a Connection,
    ws: &'a dyn Workspace,
    open: BTreeMap<PathBuf, String>,
    dirty: BTreeSet<PathBuf>,
    /// The last analysis of each file's program, with the texts it read.
    last: RefCell<BTreeMap<PathBuf, Cached>>,
}

#[derive(Clone)]
struct Cached {
    files: Rc<Vec<(PathBuf, String)>>,
    analysis: Rc<Analysis>,
}

/// Serves until the client says `exit`. Call after the initialize
/// handshake (`Connection::initialize` with [`capabilities`]).
pub fn serve(conn: &Connection, ws: &dyn Workspace) -> Result<(), String> {
    let mut s = Server {
        conn,
        ws,
        open: BTreeMap::new(),
        dirty: BTreeSet::new(),
        last: RefCell::new(BTreeMap::new()),
    };
    loop {
        let msg = if s.dirty.is_empty() {
            conn.receiver.recv().map_err(|e| e.to_string())?
        } else {
            match conn.receiver.recv_timeout(SETTLE) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    s.publish();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        };
        match msg {
            Message::Request(r) => {
                if conn.handle_shutdown(&r).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                s.request(r);
            }
            Message::Notification(n) => {
                if n.method == note::Exit::METHOD {
                    return Ok(());
                }
                s.notification(n);
            }
            Message::Response(_) => {}
        }
    }
}

fn json<T: serde::Serialize>(v: T) -> Result<serde_json::Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

fn path_of(uri: &lsp::Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

impl Server<'_> {
    fn text(&self, path: &Path) -> Option<String> {
        self.open.get(path).cloned().or_else(|| self.ws.read(path))
    }

    /// The files of `path`'s program, as the editor has them (open buffers
    /// first), narrowed to the program this file belongs to by the CLI's
    /// rule.
    fn program_texts(&self, path: &Path) -> Vec<(PathBuf, String)> {
        let mut paths = self.ws.program_files(path);
        if !paths.iter().any(|p| p == path) {
            paths.push(path.to_path_buf());
        }
        paths.sort();
        let folder: Vec<(PathBuf, String)> = paths
            .into_iter()
            .filter_map(|p| self.text(&p).map(|t| (p, t)))
            .collect();
        let mine = crate::layout::program_of(path, &folder);
        folder
            .into_iter()
            .filter(|(p, _)| mine.contains(p))
            .collect()
    }

    /// The analysis of `path`'s program as its files are now: the last one
    /// when none of them changed since.
    fn analyse(&self, path: &Path) -> Rc<Analysis> {
        let files = self.program_texts(path);
        if let Some(c) = self.last.borrow().get(path) {
            if *c.files == files {
                return c.analysis.clone();
            }
        }
        // The stale analysis goes first: the new one then reuses its
        // memory instead of faulting in as much again (a third of the
        // time on a 5,000-line program).
        let stale: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
        {
            let mut last = self.last.borrow_mut();
            for p in stale.iter().chain(std::iter::once(&path.to_path_buf())) {
                last.remove(p);
            }
        }
        let analysis = Rc::new(Analysis::new(&files, self.ws.loader()));
        let cached = Cached {
            files: Rc::new(files),
            analysis: analysis.clone(),
        };
        let mut last = self.last.borrow_mut();
        for (p, _) in cached.files.iter() {
            last.insert(p.clone(), cached.clone());
        }
        analysis
    }

    /// For hover and completion: while changes to `path` wait to be
    /// analysed, the last analysis answers; otherwise a current one.
    fn recent(&self, path: &Path) -> Rc<Analysis> {
        if self.dirty.contains(path) {
            if let Some(c) = self.last.borrow().get(path) {
                return c.analysis.clone();
            }
        }
        self.analyse(path)
    }

    fn publish(&mut self) {
        let mut done: BTreeSet<PathBuf> = BTreeSet::new();
        for path in std::mem::take(&mut self.dirty) {
            if done.contains(&path) {
                continue;
            }
            let a = self.analyse(&path);
            for (file, diagnostics) in features::diagnostics(&a) {
                let Some(uri) = features::uri(&file) else {
                    continue;
                };
                let params = lsp::PublishDiagnosticsParams::new(uri, diagnostics, None);
                self.notify::<note::PublishDiagnostics>(params);
                done.insert(file);
            }
        }
    }

    fn notify<N: note::Notification>(&self, params: N::Params) {
        let n = Notification::new(N::METHOD.to_string(), params);
        let _ = self.conn.sender.send(Message::Notification(n));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    if let Some(path) = path_of(&p.text_document.uri) {
                        self.open.insert(path.clone(), p.text_document.text);
                        self.dirty.insert(path);
                    }
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full sync: the last change is the whole text.
                    let text = p.content_changes.into_iter().last().map(|c| c.text);
                    if let (Some(path), Some(text)) = (path_of(&p.text_document.uri), text) {
                        self.open.insert(path.clone(), text);
                        self.dirty.insert(path);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = path_of(&p.text_document.uri) {
                        self.open.remove(&path);
                    }
                }
            }
            _ => {}
        }
    }

    fn respond(&self, id: RequestId, result: Result<serde_json::Value, String>) {
        let r = match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        };
        let _ = self.conn.sender.send(Message::Response(r));
    }

    /// The analysis and offset a positional request is about; `quick`
    /// takes the last analysis while changes are pending.
    fn locate(
        &self,
        doc: &lsp::TextDocumentPositionParams,
        quick: bool,
    ) -> Option<(Rc<Analysis>, crate::source::FileId, usize)> {
        let path = path_of(&doc.text_document.uri)?;
        let a = if quick {
            self.recent(&path)
        } else {
            self.analyse(&path)
        };
        let file = a.file_of(&path)?;
        let offset = convert::offset(a.text(file), doc.position);
        Some((a, file, offset))
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let result = self.dispatch(r);
        self.respond(id, result);
    }

    fn dispatch(&mut self, r: Request) -> Result<serde_json::Value, String> {
        fn params<T: serde::de::DeserializeOwned>(r: Request) -> Result<T, String> {
            serde_json::from_value(r.params).map_err(|e| e.to_string())
        }
        match r.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp::HoverParams = params(r)?;
                let found = self.locate(&p.text_document_position_params, true);
                json(found.and_then(|(a, f, o)| features::hover(&a, f, o)))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = params(r)?;
                let found = self.locate(&p.text_document_position_params, false);
                let read = |path: &str| self.text(Path::new(path));
                json(found.and_then(|(a, f, o)| features::definition(&a, f, o, &read)))
            }
            req::References::METHOD => {
                let p: lsp::ReferenceParams = params(r)?;
                let found = self.locate(&p.text_document_position, false);
                json(found.map(|(a, f, o)| features::references(&a, f, o)))
            }
            req::Rename::METHOD => {
                let p: lsp::RenameParams = params(r)?;
                match self.locate(&p.text_document_position, false) {
                    Some((a, f, o)) => json(features::rename(&a, f, o, &p.new_name)?),
                    None => json(None::<lsp::WorkspaceEdit>),
                }
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = params(r)?;
                let path = path_of(&p.text_document.uri).ok_or("not a file")?;
                let a = self.analyse(&path);
                let symbols = a.file_of(&path).map(|f| features::symbols(&a, f));
                json(symbols.map(lsp::DocumentSymbolResponse::Nested))
            }
            req::Completion::METHOD => {
                let p: lsp::CompletionParams = params(r)?;
                let path =
                    path_of(&p.text_document_position.text_document.uri).ok_or("not a file")?;
                let text = self.text(&path).unwrap_or_default();
                let offset = convert::offset(&text, p.text_document_position.position);
                let a = self.recent(&path);
                let items = complete::complete(Some(&a), &text, offset);
                json(lsp::CompletionResponse::Array(items))
            }
            req::Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = params(r)?;
                let path = path_of(&p.text_document.uri).ok_or("not a file")?;
                let text = self.text(&path).unwrap_or_default();
                // A file that does not parse is left alone: its diagnostics
                // already say why.
                let edits = crate::syntax::fmt::format(&text, crate::source::FileId(0))
                    .ok()
                    .filter(|f| *f != text)
                    .map(|f| vec![lsp::TextEdit::new(convert::range(&text, 0, text.len()), f)]);
                json(edits)
            }
            other => Err(format!("`{other}` is not supported")),
        }
    }
}
