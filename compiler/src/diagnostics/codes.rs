//! The registry of diagnostic codes.
//!
//! A code is stable forever once released: its number, its kebab-case name
//! and its explanation (`codes/<ID>.md`, shown by `cairn explain`). Ranges:
//! E00xx source and syntax, E01xx names and resolution, E02xx types and
//! checks, E03xx the graph, E04xx lowering and emission, W0xxx warnings.

use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
    pub explanation: &'static str,
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

macro_rules! codes {
    ($( $konst:ident = $id:literal, $name:literal; )*) => {
        $( pub const $konst: Code = Code {
            id: $id,
            name: $name,
            explanation: include_str!(concat!("codes/", $id, ".md")),
        }; )*
        /// Every code, in number order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    INVALID_SOURCE = "E0001", "invalid-source";
    UNTERMINATED_STRING = "E0002", "unterminated-string";
    UNTERMINATED_COMMENT = "E0003", "unterminated-comment";
    UNEXPECTED_CHARACTER = "E0004", "unexpected-character";
    INVALID_NUMBER = "E0005", "invalid-number";
    INVALID_ESCAPE = "E0006", "invalid-escape";
    EXPECTED_TOKEN = "E0010", "expected-token";
    EXPECTED_DECLARATION = "E0011", "expected-declaration";
    NESTING_TOO_DEEP = "E0012", "nesting-too-deep";
    UNCLOSED_DELIMITER = "E0013", "unclosed-delimiter";
    INVALID_NAME = "E0014", "invalid-name";
    DUPLICATE_NAME = "E0101", "duplicate-name";
    UNKNOWN_KIND = "E0102", "unknown-kind";
    UNKNOWN_NAME = "E0103", "unknown-name";
    WRONG_KIND = "E0104", "wrong-kind";
    UNKNOWN_ATTRIBUTE = "E0105", "unknown-attribute";
    MISSING_PARAM = "E0106", "missing-param";
    UNKNOWN_PARAM = "E0107", "unknown-param";
    DUPLICATE_PROJECT = "E0108", "duplicate-project";
    INVALID_PARAM_VALUE = "E0110", "invalid-param-value";
    UNSUPPORTED_DECLARATION = "E0111", "unsupported-declaration";
    UNKNOWN_TYPE = "E0112", "unknown-type";
    UNKNOWN_FUNCTION = "E0113", "unknown-function";
    MISSING_MODULE_ARGUMENT = "E0115", "missing-module-argument";
    UNKNOWN_MODULE_ARGUMENT = "E0116", "unknown-module-argument";
    MODULE_CYCLE = "E0117", "module-cycle";
    MODULE_NOT_FOUND = "E0118", "module-not-found";
    NAME_CLASH = "E0119", "name-clash";
    NOT_KNOWN_WHEN_COMPILING = "E0120", "not-known-when-compiling";
    INVALID_LOOP_KEY = "E0121", "invalid-loop-key";
    UNKEYED_REFERENCE = "E0122", "unkeyed-reference";
    ABSENT_DECLARATION = "E0123", "absent-declaration";
    TYPE_MISMATCH = "E0201", "type-mismatch";
    MISSING_FIELD = "E0202", "missing-field";
    UNKNOWN_FIELD = "E0203", "unknown-field";
    UNKNOWN_ENUM_MEMBER = "E0204", "unknown-enum-member";
    DUPLICATE_FIELD = "E0205", "duplicate-field";
    INVALID_CIDR = "E0206", "invalid-cidr";
    LITERAL_SECRET = "E0207", "literal-secret";
    WRONG_UNIT = "E0208", "wrong-unit";
    OUT_OF_RANGE = "E0209", "out-of-range";
    SCALING_ORDER = "E0210", "scaling-order";
    FIELD_NOT_ALLOWED = "E0211", "field-not-allowed";
    TOO_MANY_ITEMS = "E0212", "too-many-items";
    FIELD_REQUIRED_BY = "E0213", "field-required-by";
    INVALID_REGION = "E0214", "invalid-region";
    UNKNOWN_INSTANCE_TYPE = "E0215", "unknown-instance-type";
    TOO_FEW = "E0216", "too-few";
    INVALID_OPERANDS = "E0217", "invalid-operands";
    NOT_WHOLE = "E0218", "not-whole";
    DEPLOYED_VALUE = "E0219", "deployed-value";
    MIXED_ARCHITECTURES = "E0220", "mixed-architectures";
    UNSUPPORTED_IMAGE_SOURCE = "E0221", "unsupported-image-source";
    INVALID_COMBINATION = "E0222", "invalid-combination";
    MISMATCHED_REFERENCE = "E0223", "mismatched-reference";
    INVALID_SCHEDULE = "E0224", "invalid-schedule";
    EXACTLY_ONE = "E0225", "exactly-one";
    INVALID_LIMIT = "E0226", "invalid-limit";
    INVALID_AWS_NAME = "E0227", "invalid-aws-name";
    UNAVAILABLE_IN_REGION = "E0228", "unavailable-in-region";
    REFERENCE_CYCLE = "E0301", "reference-cycle";
    LOGICAL_ID_CLASH = "E0401", "logical-id-clash";
    INTERNAL_LOWERING = "E0402", "internal-lowering";
    LIMIT_EXCEEDED = "E0403", "limit-exceeded";
    MAX_PODS_DISAGREE = "W0001", "max-pods-disagree";
    LIMIT_NEAR = "W0003", "limit-near";
    EMPTY_SETTING = "W0004", "empty-setting";
    UNLISTED_INSTANCE_TYPE = "W0005", "unlisted-instance-type";
    SUPPORT_ENDED = "W0006", "support-ended";
    REGION_UNSET = "W0007", "region-unset";
    MANUAL_STEP = "W0008", "manual-step";
    INSECURE_SETTING = "W0009", "insecure-setting";
}

/// Looks a code up by id (`E0201`), case-insensitively.
pub fn find(id: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(id) || c.name == id)
}

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn codes_are_unique_ordered_and_named() {
        for pair in ALL.windows(2) {
            if let [a, b] = pair {
                assert!(a.id < b.id, "{} must come before {}", a.id, b.id);
                assert_ne!(a.name, b.name);
            }
        }
        for c in ALL {
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{} is not kebab-case",
                c.name
            );
            assert!(
                c.explanation.starts_with(&format!("# {}: ", c.id)),
                "{}.md has the wrong title",
                c.id
            );
            assert!(
                c.explanation.contains("## Wrong") && c.explanation.contains("## Right"),
                "{}.md lacks examples",
                c.id
            );
        }
    }

    #[test]
    fn no_explanation_is_orphaned() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnostics/codes");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".md"))
                    .map(String::from)
            })
            .collect();
        files.sort();
        let ids: Vec<String> = ALL.iter().map(|c| c.id.to_string()).collect();
        assert_eq!(files, ids);
    }
}
