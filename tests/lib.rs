//! Helpers shared by the test binaries live in the test files themselves.
