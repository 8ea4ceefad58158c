//! Handlebars helpers the stdlib templates use. Generic, like the rest of
//! the compiler: nothing here knows a kind.

use handlebars::{handlebars_helper, Handlebars};

handlebars_helper!(json_helper: |v: Json| serde_json::to_string(&v).unwrap_or_else(|_| "null".to_string()));
handlebars_helper!(pascal_helper: |s: str| pascal(s));
handlebars_helper!(add_helper: |a: i64, b: i64| a.saturating_add(b));
handlebars_helper!(mul_helper: |a: i64, b: i64| a.saturating_mul(b));
handlebars_helper!(sub_helper: |a: i64, b: i64| a.saturating_sub(b));
// Floor division; by zero gives 0 rather than a panic (checks keep
// templates from dividing by zero).
handlebars_helper!(div_helper: |a: i64, b: i64| if b == 0 { 0 } else { a.div_euclid(b) });
// `clamp v lo hi`; a `hi` below `lo` gives `lo`, never a panic.
handlebars_helper!(clamp_helper: |v: i64, lo: i64, hi: i64| v.min(hi).max(lo));
handlebars_helper!(cidr_subnet_helper: |cidr: str, newbits: u64, netnum: u64| cidr_subnet(cidr, newbits, netnum));
handlebars_helper!(coalesce_helper: |a: Json, b: Json| if a.is_null() { b.clone() } else { a.clone() });
// Whether `s` has `part` in it: an ARN against a bare name (`:`).
handlebars_helper!(contains_helper: |s: str, part: str| s.contains(part));
// The `values` whose key (same position in `keys`) is one of `wanted`:
// a network's subnets in the zones a node group names.
handlebars_helper!(select_by_helper: |values: array, keys: array, wanted: array| values
    .iter()
    .zip(keys)
    .filter(|(_, k)| wanted.contains(k))
    .map(|(v, _)| v.clone())
    .collect::<Vec<serde_json::Value>>());
// `map[key]`, or null where strict `lookup` would fail on a missing key.
handlebars_helper!(entry_helper: |m: object, k: str| m.get(k).cloned().unwrap_or(serde_json::Value::Null));
handlebars_helper!(cidr_host_helper: |cidr: str, n: u64| cidr_host(cidr, n));
handlebars_helper!(concat_lists_helper: |a: array, b: array| a.iter().chain(b).cloned().collect::<Vec<serde_json::Value>>());
handlebars_helper!(id_from_helper: |s: str| pascal(s.rsplit(['/', ':']).next().unwrap_or(s)));
handlebars_helper!(range_helper: |n: u64| (0..n.min(1000)).collect::<Vec<u64>>());
handlebars_helper!(join_kv_helper: |m: object, sep: str| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(sep));
handlebars_helper!(concat_helper: |*args| args.iter().map(|a| a.as_str().map(String::from).unwrap_or_else(|| a.to_string())).collect::<String>());
handlebars_helper!(kebab_helper: |s: str| kebab(s));
// Environment variable names from declared names: `orders` -> `ORDERS`,
// `team.orders` -> `TEAM_ORDERS` (a shell names only letters, digits, `_`).
handlebars_helper!(env_name_helper: |s: str| s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect::<String>());

/// `table "name" ["key"]`: a table under `stdlib/data/` (or one key of it), for templates that iterate
/// over facts (ports, per-type settings) instead of spelling them out.
struct TableHelper(&'static crate::schema::Stdlib);

impl handlebars::HelperDef for TableHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
    ) -> Result<handlebars::ScopedJson<'rc>, handlebars::RenderError> {
        let name = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
        let key = h.param(1).and_then(|p| p.value().as_str());
        let found = self.0.table(name).and_then(|t| match key {
            Some(k) => t.get(k),
            None => Some(t),
        });
        match found {
            Some(t) => Ok(handlebars::ScopedJson::Derived(t.clone())),
            None => Err(handlebars::RenderErrorReason::Other(format!(
                "no table `{name}` under stdlib/data"
            ))
            .into()),
        }
    }
}

/// `{{include "eks/_node_role.hbs"}}`: another template rendered here, in
/// the current context. `{{> partial}}` does the same after copying the
/// whole context (handlebars merges a partial's hash into a copy, hash or
/// not), which for a node group, whose context holds its cluster and
/// network, was a fifth of a large build. Partials that take hash
/// parameters keep `{{> }}`.
struct IncludeHelper;

impl handlebars::HelperDef for IncludeHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        rc: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        use handlebars::Renderable;
        let name = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
        match r.get_template(name) {
            Some(t) => t.render(r, ctx, rc, out),
            None => Err(handlebars::RenderErrorReason::PartialNotFound(name.to_string()).into()),
        }
    }
}

pub fn register(h: &mut Handlebars<'_>, stdlib: &'static crate::schema::Stdlib) {
    h.register_helper("include", Box::new(IncludeHelper));
    h.register_helper("table", Box::new(TableHelper(stdlib)));
    h.register_helper("json", Box::new(json_helper));
    h.register_helper("pascal", Box::new(pascal_helper));
    h.register_helper("add", Box::new(add_helper));
    h.register_helper("mul", Box::new(mul_helper));
    h.register_helper("sub", Box::new(sub_helper));
    h.register_helper("div", Box::new(div_helper));
    h.register_helper("clamp", Box::new(clamp_helper));
    h.register_helper("cidr_subnet", Box::new(cidr_subnet_helper));
    h.register_helper("coalesce", Box::new(coalesce_helper));
    h.register_helper("id_from", Box::new(id_from_helper));
    h.register_helper("range", Box::new(range_helper));
    h.register_helper("kebab", Box::new(kebab_helper));
    h.register_helper("env_name", Box::new(env_name_helper));
    h.register_helper("join_kv", Box::new(join_kv_helper));
    h.register_helper("concat", Box::new(concat_helper));
    h.register_helper("contains", Box::new(contains_helper));
    h.register_helper("select_by", Box::new(select_by_helper));
    h.register_helper("entry", Box::new(entry_helper));
    h.register_helper("concat_lists", Box::new(concat_lists_helper));
    h.register_helper("cidr_host", Box::new(cidr_host_helper));
}

pub use crate::names::{kebab, pascal};

/// Terraform's `cidrsubnet`: the `netnum`-th block of `newbits` more bits.
/// Returns an empty string for a block that does not fit, which the
/// template's consumer (cfn-lint, CloudFormation) rejects loudly; checks
/// keep programs from getting there.
/// The `n`th address of a block: `cidr_host "172.20.0.0/16" 10` is
/// `172.20.0.10`, the cluster DNS address kubelet bootstraps are given.
pub fn cidr_host(cidr: &str, n: u64) -> String {
    let addr = cidr.split('/').next().unwrap_or_default();
    let octets: Vec<u64> = addr.split('.').filter_map(|o| o.parse().ok()).collect();
    let [a, b, c, d] = octets.as_slice() else {
        return String::new();
    };
    let v = ((a << 24) | (b << 16) | (c << 8) | d).saturating_add(n);
    format!(
        "{}.{}.{}.{}",
        (v >> 24) & 255,
        (v >> 16) & 255,
        (v >> 8) & 255,
        v & 255
    )
}

pub fn cidr_subnet(cidr: &str, newbits: u64, netnum: u64) -> String {
    let Some((addr, prefix)) = cidr.split_once('/') else {
        return String::new();
    };
    let Ok(prefix) = prefix.parse::<u64>() else {
        return String::new();
    };
    let octets: Vec<u32> = addr.split('.').filter_map(|o| o.parse().ok()).collect();
    let [a, b, c, d] = octets.as_slice() else {
        return String::new();
    };
    let len = prefix + newbits;
    if len > 32 || netnum >= (1u64 << newbits) {
        return String::new();
    }
    let base = (a << 24) | (b << 16) | (c << 8) | d;
    let Ok(shift) = u32::try_from(32 - len) else {
        return String::new();
    };
    let net = u64::from(base) + (netnum << shift);
    let Ok(net) = u32::try_from(net) else {
        return String::new();
    };
    format!(
        "{}.{}.{}.{}/{len}",
        net >> 24,
        (net >> 16) & 255,
        (net >> 8) & 255,
        net & 255
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(cidr_subnet("10.0.0.0/16", 3, 0), "10.0.0.0/19");
        assert_eq!(cidr_subnet("10.0.0.0/16", 3, 2), "10.0.64.0/19");
        assert_eq!(cidr_subnet("10.0.0.0/16", 6, 56), "10.0.224.0/22");
        assert_eq!(cidr_subnet("10.0.0.0/22", 6, 63), "10.0.3.240/28");
        assert_eq!(cidr_subnet("10.0.0.0/30", 6, 0), "");
    }

    #[test]
    fn cidr_host_counts_from_the_block() {
        assert_eq!(cidr_host("172.20.0.0/16", 10), "172.20.0.10");
        assert_eq!(cidr_host("10.100.0.0/16", 10), "10.100.0.10");
        assert_eq!(cidr_host("10.0.0.250/24", 10), "10.0.1.4");
        assert_eq!(cidr_host("nonsense", 10), "");
    }
}
