//! Editor support over the same pipeline as the compiler: analysis of a
//! program as the editor has it, and the language server on top of it.

pub mod analysis;
pub mod complete;
pub mod convert;
pub mod features;
pub mod server;
pub mod snippets;
