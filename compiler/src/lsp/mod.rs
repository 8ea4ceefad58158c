//! Editor support over the same pipeline as the compiler.

pub mod snippets;
