//! What a template writes for `ssm("...")` and `secrets_manager("...")`:
//! the reference a container or an App Runner service reads the secret
//! by, and the resource an IAM policy grants, which are not the same.
//!
//! Secrets Manager names a secret's ARN `...:secret:<name>-<6 random
//! characters>`, unknown until the secret exists. So a policy grants
//! `<name>-??????` (the wildcard is for IAM only), while the reference is
//! the partial ARN `...:secret:<name>`, which Secrets Manager resolves, and
//! keeps what follows a colon: `mysql:password::` reads one JSON key. A
//! full ARN is read as written and granted as written (and, when its name
//! ends like the six characters, also as the partial ARN it may be).

//!
//! The ARN formats and the suffix's length are facts of the two services,
//! read from `stdlib/data/secret_stores.json`; the two stores themselves
//! are the language's (`ssm`, `secrets_manager`).

use serde_json::{json, Value as Json};

/// The facts `data/secret_stores.json` gives.
#[derive(Clone, Debug)]
pub struct Stores {
    parameter_arn: String,
    secret_arn: String,
    suffix_len: usize,
    arn_fields: usize,
}

impl Stores {
    /// None when the table lacks a fact (a stdlib bug this module's tests
    /// catch); secrets then lower to null, which a template reading them
    /// reports as an internal error, never as a wrong ARN.
    pub fn of(table: &Json) -> Option<Stores> {
        let text = |store: &str, key: &str| table.get(store)?.get(key)?.as_str().map(String::from);
        let num = |key: &str| {
            table
                .get("secrets_manager")?
                .get(key)?
                .as_u64()
                .map(|n| n as usize)
        };
        Some(Stores {
            parameter_arn: text("ssm", "parameter_arn")?,
            secret_arn: text("secrets_manager", "secret_arn")?,
            suffix_len: num("random_suffix_length")?,
            arn_fields: num("arn_fields")?,
        })
    }

    /// `{ "store", "name", "ref", "policy" }` for the template context.
    pub fn context(&self, store: &str, name: &str) -> Json {
        let (reference, policy) = match store {
            "ssm" => self.ssm(name),
            _ => self.secrets_manager(name),
        };
        json!({ "secret": { "store": store, "name": name, "ref": reference, "policy": policy } })
    }

    fn ssm(&self, name: &str) -> (Json, Json) {
        if name.starts_with("arn:") {
            return (json!(name), json!(name));
        }
        let path = if name.starts_with('/') {
            name.to_string()
        } else {
            format!("/{name}")
        };
        let arn = format!("{}{path}", self.parameter_arn);
        (sub(arn.clone()), sub(arn))
    }

    /// `-??????`: matches the random characters in an IAM policy.
    fn wildcard(&self) -> String {
        format!("-{}", "?".repeat(self.suffix_len))
    }

    fn secrets_manager(&self, name: &str) -> (Json, Json) {
        let any = self.wildcard();
        if name.starts_with("arn:") {
            // arn:partition:secretsmanager:region:account:secret:name[:key:stage:version]
            let base: Vec<&str> = name
                .splitn(self.arn_fields + 1, ':')
                .take(self.arn_fields)
                .collect();
            let base = base.join(":");
            let secret = base.rsplit(':').next().unwrap_or("");
            // `shared/key-AbC123` may be a full ARN, or a partial one of a
            // secret whose own name ends in six letters; both are granted.
            let policy = if self.has_random_suffix(secret) {
                json!([base.clone(), format!("{base}{any}")])
            } else {
                json!(format!("{base}{any}"))
            };
            return (json!(name), policy);
        }
        // A secret's name has no colon: one starts the JSON key and version.
        let (secret, rest) = match name.split_once(':') {
            Some((s, r)) => (s, format!(":{r}")),
            None => (name, String::new()),
        };
        let arn = format!("{}{secret}", self.secret_arn);
        (sub(format!("{arn}{rest}")), sub(format!("{arn}{any}")))
    }

    /// `mysql-AbC123`: ends with the characters Secrets Manager appends.
    fn has_random_suffix(&self, secret: &str) -> bool {
        secret.rsplit_once('-').is_some_and(|(head, tail)| {
            !head.is_empty()
                && tail.len() == self.suffix_len
                && tail.chars().all(|c| c.is_ascii_alphanumeric())
        })
    }
}

fn sub(text: String) -> Json {
    json!({ "Fn::Sub": text })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn refs(store: &str, name: &str) -> (String, String) {
        let table = crate::schema::Stdlib::get()
            .ok()
            .and_then(|l| l.table("secret_stores"));
        let stores = table.and_then(Stores::of);
        assert!(stores.is_some(), "data/secret_stores.json gives every fact");
        let c = stores.map_or(Json::Null, |s| s.context(store, name));
        let text = |v: &Json| match v {
            Json::String(s) => s.clone(),
            Json::Array(items) => items
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            other => other["Fn::Sub"].as_str().unwrap_or_default().to_string(),
        };
        (text(&c["secret"]["ref"]), text(&c["secret"]["policy"]))
    }

    #[test]
    fn a_secret_name_is_read_by_its_partial_arn_and_granted_with_a_wildcard() {
        let (r, p) = refs("secrets_manager", "mysql");
        assert!(r.ends_with(":secret:mysql"), "{r}");
        assert!(!r.contains('?'), "a `?` cannot be in a reference: {r}");
        assert!(p.ends_with(":secret:mysql-??????"), "{p}");
    }

    #[test]
    fn a_json_key_is_kept_in_the_reference_and_left_out_of_the_policy() {
        let (r, p) = refs("secrets_manager", "demo/mysql:password::");
        assert!(r.ends_with(":secret:demo/mysql:password::"), "{r}");
        assert!(p.ends_with(":secret:demo/mysql-??????"), "{p}");
    }

    #[test]
    fn a_full_arn_is_used_as_written() {
        let arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:mysql-AbC123";
        let both = format!("{arn} {arn}-??????");
        assert_eq!(refs("secrets_manager", arn), (arn.into(), both.clone()));
        let keyed = format!("{arn}:password::");
        assert_eq!(refs("secrets_manager", &keyed), (keyed.clone(), both));
        let partial = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:mysql";
        assert_eq!(
            refs("secrets_manager", partial),
            (partial.into(), format!("{partial}-??????"))
        );
        let param = "arn:aws:ssm:eu-west-1:111122223333:parameter/app/db";
        assert_eq!(refs("ssm", param), (param.into(), param.into()));
    }

    #[test]
    fn ssm_names_become_parameter_arns() {
        let (r, p) = refs("ssm", "app/db");
        assert!(r.ends_with(":parameter/app/db"), "{r}");
        assert_eq!(r, p);
        assert!(refs("ssm", "/app/db").0.ends_with(":parameter/app/db"));
    }
}
