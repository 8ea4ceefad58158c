//! Literal formats checked at compile time: CIDR blocks and region names.

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

/// `us-east-1`, `ap-northeast-2`, `us-gov-west-1`, `cn-north-1`.
pub fn region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (geo, rest) = match parts.as_slice() {
        [geo, rest @ ..] => (geo, rest),
        [] => return false,
    };
    let rest = match rest {
        ["gov" | "iso" | "isob", r @ ..] => r,
        r => r,
    };
    matches!(rest, [dir, n] if !dir.is_empty() && dir.chars().all(|c| c.is_ascii_lowercase()) && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && geo.len() == 2
        && geo.chars().all(|c| c.is_ascii_lowercase())
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
    fn regions() {
        assert!(region("us-east-1"));
        assert!(region("ap-northeast-2"));
        assert!(region("us-gov-west-1"));
        assert!(!region("us-east"));
        assert!(!region("US-EAST-1"));
        assert!(!region("useast1"));
    }
}
