//! Literal formats checked at compile time: CIDR blocks and region names.

use serde_json::Value as Json;

/// `Ok` for a valid IPv4 CIDR block with no host bits set; otherwise why
/// not, and the corrected block when there is an obvious one.
pub fn cidr(s: &str) -> Result<(), (String, Option<String>)> {
    let Some((addr, prefix)) = s.split_once('/') else {
        return Err(("no `/prefix`".to_string(), Some(format!("{s}/16"))));
    };
    let octets: Vec<&str> = addr.split('.').collect();
    if octets.len() != 4 {
        return Err(("an IPv4 address has four octets".to_string(), None));
    }
    let mut ip: u32 = 0;
    for o in &octets {
        match o.parse::<u8>() {
            Ok(n) if !o.is_empty() && (o.len() == 1 || !o.starts_with('0')) => {
                ip = (ip << 8) | u32::from(n)
            }
            _ => return Err((format!("`{o}` is not an octet from 0 to 255"), None)),
        }
    }
    let bits = match prefix.parse::<u32>() {
        Ok(b) if b <= 32 => b,
        _ => {
            return Err((
                format!("`/{prefix}` is not a prefix length from 0 to 32"),
                None,
            ))
        }
    };
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    if ip & !mask != 0 {
        let net = ip & mask;
        let fixed = format!(
            "{}.{}.{}.{}/{bits}",
            net >> 24,
            (net >> 16) & 255,
            (net >> 8) & 255,
            net & 255
        );
        return Err(("bits are set after the prefix".to_string(), Some(fixed)));
    }
    Ok(())
}

pub fn prefix_len(s: &str) -> Option<u32> {
    s.split_once('/').and_then(|(_, p)| p.parse().ok())
}

/// Whether `s` names a region of some partition in `table`
/// (`data/regions.json`): a known region, or a name of a partition's shape
/// (`PREFIX` + word + `-` + number, as the AWS SDKs match them), so a
/// region opened after the table was made is accepted too.
pub fn region(s: &str, table: Option<&Json>) -> bool {
    partitions(table).any(|p| {
        let known = p
            .get("regions")
            .and_then(Json::as_array)
            .is_some_and(|rs| rs.iter().any(|r| r.as_str() == Some(s)));
        known
            || strs(p.get("prefixes")).any(|pre| {
                s.strip_prefix(pre)
                    .and_then(|rest| rest.split_once('-'))
                    .is_some_and(|(word, n)| {
                        !word.is_empty()
                            && word
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                            && !n.is_empty()
                            && n.chars().all(|c| c.is_ascii_digit())
                    })
            })
    })
}

/// Every known region of every partition, for "did you mean".
pub fn known_regions(table: Option<&Json>) -> Vec<&str> {
    partitions(table)
        .flat_map(|p| strs(p.get("regions")))
        .collect()
}

fn partitions(table: Option<&Json>) -> impl Iterator<Item = &Json> {
    table
        .and_then(|t| t.get("partitions"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
}

/// The strings of a JSON array (none when it is not one).
pub(super) fn strs(v: Option<&Json>) -> impl Iterator<Item = &str> {
    v.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert!(cidr("10.0.0.0/16").is_ok());
        assert!(cidr("0.0.0.0/0").is_ok());
        assert_eq!(
            cidr("10.0.0.1/16").err().and_then(|e| e.1),
            Some("10.0.0.0/16".to_string())
        );
        assert!(cidr("10.0.0/16").is_err());
        assert!(cidr("10.0.0.256/32").is_err());
        assert!(cidr("10.0.0.0/33").is_err());
        assert!(cidr("10.0.0.0").is_err());
    }

    #[test]
    fn regions_of_every_partition() {
        let t: Json = serde_json::from_str(include_str!("../../../stdlib/data/regions.json"))
            .unwrap_or(Json::Null);
        let t = Some(&t);
        for r in [
            "us-east-1",
            "ap-northeast-2",
            "us-gov-west-1",
            "cn-north-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "us-isof-south-1",
            "eu-isoe-west-1",
            "eusc-de-east-1",
            "mx-central-1",
            // Newer than the table, of a partition's shape.
            "ap-southeast-9",
            "us-gov-central-1",
        ] {
            assert!(region(r, t), "{r}");
        }
        for r in [
            "us-east",
            "US-EAST-1",
            "useast1",
            "xx-east-1",
            "aws-global",
            "",
        ] {
            assert!(!region(r, t), "{r}");
        }
    }
}
