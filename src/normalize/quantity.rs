//! Quantities compare by value: `1000m` = `1`, `1Gi` = `1024Mi`.

use serde_json::{Map, Value};

/// Map keys whose children are quantities (`resources.limits.memory`, `status.allocatable.cpu`, …).
const QUANTITY_MAPS: &[&str] = &[
    "requests",
    "limits",
    "hard",
    "allocatable",
    "capacity",
    "default",
    "defaultRequest",
    "max",
    "min",
    "overhead",
];

/// Fields that are quantities themselves.
const QUANTITY_FIELDS: &[&str] = &["sizeLimit", "averageValue"];

/// Canonicalizes every quantity in the tree.
pub fn canonicalize_tree(map: &mut Map<String, Value>) {
    for (k, v) in map.iter_mut() {
        if QUANTITY_MAPS.contains(&k.as_str())
            && let Value::Object(children) = v
        {
            for q in children.values_mut() {
                canonicalize_value(q);
            }
            continue;
        }
        if QUANTITY_FIELDS.contains(&k.as_str()) {
            canonicalize_value(v);
            continue;
        }
        match v {
            Value::Object(m) => canonicalize_tree(m),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(m) = item {
                        canonicalize_tree(m);
                    }
                }
            }
            _ => {}
        }
    }
}

fn canonicalize_value(v: &mut Value) {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Some(c) = canonical(&text) {
        *v = Value::String(c);
    }
}

/// The canonical spelling of a quantity, or `None` when it is not one.
pub fn canonical(text: &str) -> Option<String> {
    let nanos = to_nanos(text)?;
    Some(from_nanos(nanos))
}

/// The quantity's value in billionths (exact for every quantity a person writes).
pub fn to_nanos(text: &str) -> Option<i128> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    if num.is_empty() {
        return None;
    }
    let (num, exp10): (&str, i32) = match suffix {
        "" => (num, 0),
        "n" => (num, -9),
        "u" => (num, -6),
        "m" => (num, -3),
        "k" => (num, 3),
        "M" => (num, 6),
        "G" => (num, 9),
        "T" => (num, 12),
        "P" => (num, 15),
        "E" => (num, 18),
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let pow = match suffix {
                "Ki" => 1,
                "Mi" => 2,
                "Gi" => 3,
                "Ti" => 4,
                "Pi" => 5,
                _ => 6,
            };
            let base = decimal_to_nanos(num, 0)?;
            return base.checked_mul(1024i128.pow(pow));
        }
        s if s.starts_with(['e', 'E']) => {
            let e: i32 = s[1..].parse().ok()?;
            (num, e)
        }
        _ => return None,
    };
    decimal_to_nanos(num, exp10)
}

/// `num × 10^exp10` in billionths.
fn decimal_to_nanos(num: &str, exp10: i32) -> Option<i128> {
    let (neg, digits) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut mantissa: i128 = 0;
    for c in int.chars().chain(frac.chars()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add((c as u8 - b'0') as i128)?;
    }
    let scale = exp10 + 9 - frac.len() as i32;
    let value = if scale >= 0 {
        mantissa.checked_mul(10i128.checked_pow(scale as u32)?)?
    } else {
        let div = 10i128.checked_pow((-scale) as u32)?;
        if mantissa % div != 0 {
            return None; // finer than a nano: not a quantity anyone writes
        }
        mantissa / div
    };
    Some(if neg { -value } else { value })
}

fn from_nanos(nanos: i128) -> String {
    const BILLION: i128 = 1_000_000_000;
    if nanos % BILLION != 0 {
        return if nanos % 1_000_000 == 0 {
            format!("{}m", nanos / 1_000_000)
        } else {
            format!("{nanos}n")
        };
    }
    let units = nanos / BILLION;
    if units == 0 {
        return "0".into();
    }
    for (suffix, pow) in [
        ("Ei", 6u32),
        ("Pi", 5),
        ("Ti", 4),
        ("Gi", 3),
        ("Mi", 2),
        ("Ki", 1),
    ] {
        let base = 1024i128.pow(pow);
        if units % base == 0 {
            return format!("{}{suffix}", units / base);
        }
    }
    for (suffix, pow) in [
        ("E", 18u32),
        ("P", 15),
        ("T", 12),
        ("G", 9),
        ("M", 6),
        ("k", 3),
    ] {
        let base = 10i128.pow(pow);
        if units % base == 0 {
            return format!("{}{suffix}", units / base);
        }
    }
    units.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal quantities written differently get one spelling; different ones stay apart.
    #[test]
    fn equal_values_spell_alike() {
        assert_eq!(canonical("1000m"), canonical("1"));
        assert_eq!(canonical("1Gi"), canonical("1024Mi"));
        assert_eq!(canonical("0.5"), Some("500m".into()));
        assert_eq!(canonical("1.5Gi"), canonical("1536Mi"));
        assert_ne!(canonical("1G"), canonical("1Gi"));
        assert_eq!(canonical("128974848"), canonical("123Mi"));
        assert_eq!(canonical("1e3"), canonical("1k"));
        assert_eq!(canonical("abc"), None);
        assert_eq!(canonical("2Zi"), None);
    }
}
