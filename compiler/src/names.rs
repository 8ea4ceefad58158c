//! How a declared name becomes the names AWS sees.
//!
//! Inside a module instance a name is scoped by the instance: `main` in
//! `module blue` is the symbol `blue.main`, which nothing the caller
//! declares can equal (`.` is not an identifier character). Templates see
//! the flattened form, `blue_main`, which is what Cairn has always written:
//! logical IDs (`BlueMain...`), physical names (`retail-blue-main`) and
//! stack names come from it, so existing programs keep their bytes. Two
//! symbols whose flattened forms meet (`blue.main` and a caller's
//! `blue_main`) would share logical IDs; resolve reports that as an error
//! naming both, never a merge. A `for` keys its names by element
//! (`main["ads"]`), which flattens the same way (`main_ads`).

/// The separator between a module instance and a name inside it.
pub const SCOPE: char = '.';

/// `blue.main` -> `blue_main`, and `main["us-east-1"]` (one of a `for`'s
/// declarations) -> `main_us_east_1`: the name as templates and allow
/// lists see it.
pub fn flat(name: &str) -> String {
    name.replace("[\"", "_")
        .replace("\"]", "")
        .replace([SCOPE, '-'], "_")
}

/// `retail_api` -> `RetailApi`; `platform-admin` -> `PlatformAdmin`;
/// `blue.main` -> `BlueMain`.
pub fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A declared name as Kubernetes and stack names spell it: `gp3_fast` is
/// `gp3-fast`, `blue.main` is `blue-main`.
pub fn kebab(s: &str) -> String {
    flat(s).to_ascii_lowercase().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_names_flatten_to_the_names_cairn_always_wrote() {
        assert_eq!(flat("blue.main"), "blue_main");
        assert_eq!(pascal("blue.main"), pascal("blue_main"));
        assert_eq!(kebab("blue.inner.gp3_fast"), "blue-inner-gp3-fast");
        assert_eq!(pascal("retail_api_2"), "RetailApi2");
        assert_eq!(pascal("platform-admin"), "PlatformAdmin");
    }

    #[test]
    fn keyed_names_flatten_by_their_key() {
        assert_eq!(flat("main[\"ads\"]"), "main_ads");
        assert_eq!(flat("teams[\"us-east-1\"].main"), "teams_us_east_1_main");
        assert_eq!(kebab("teams[\"us-east-1\"].main"), "teams-us-east-1-main");
        assert_eq!(pascal("teams[\"us-east-1\"].main"), "TeamsUsEast1Main");
    }
}
