//! A PHP value reduced to what options can be, so the core can check options
//! without knowing about PHP. The binding converts each array entry into one.

use std::time::Duration;

use super::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A PHP string that is not valid UTF-8.
    Bytes(Vec<u8>),
    /// A PHP array, in order.
    Map(Vec<(String, OptionValue)>),
    /// Anything else (an object, a resource).
    Other(&'static str),
}

impl OptionValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            OptionValue::Null => "null",
            OptionValue::Bool(_) => "bool",
            OptionValue::Int(_) => "int",
            OptionValue::Float(_) => "float",
            OptionValue::Str(_) => "string",
            OptionValue::Bytes(_) => "binary string",
            OptionValue::Map(_) => "array",
            OptionValue::Other(name) => name,
        }
    }
}

fn wrong_type(key: &str, wanted: &str, got: &OptionValue) -> Error {
    Error::option(key, format!("option '{key}' must be {wanted}; got {}", got.type_name()))
}

pub fn expect_string(key: &str, value: &OptionValue) -> Result<String> {
    match value {
        OptionValue::Str(s) => Ok(s.clone()),
        OptionValue::Bytes(_) => Err(Error::option(key, format!("option '{key}' must be UTF-8 text"))),
        other => Err(wrong_type(key, "a string", other)),
    }
}

pub fn expect_bool(key: &str, value: &OptionValue) -> Result<bool> {
    match value {
        OptionValue::Bool(b) => Ok(*b),
        other => Err(wrong_type(key, "a bool (true or false)", other)),
    }
}

pub fn expect_u64(key: &str, value: &OptionValue, min: u64, max: u64, unit: &str) -> Result<u64> {
    match value {
        OptionValue::Int(i) if *i >= 0 && (min..=max).contains(&(*i as u64)) => Ok(*i as u64),
        OptionValue::Int(i) => Err(Error::option(key, format!(
            "option '{key}' must be from {min} to {max} {unit}; got {i}"
        ))),
        other => Err(wrong_type(key, &format!("an integer ({unit})"), other)),
    }
}

/// Seconds as an int or a float, more than zero and at most `max`.
pub fn expect_seconds(key: &str, value: &OptionValue, max: f64) -> Result<Duration> {
    let secs = match value {
        OptionValue::Int(i) => *i as f64,
        OptionValue::Float(f) => *f,
        other => return Err(wrong_type(key, "a number of seconds", other)),
    };
    if secs.is_finite() && secs > 0.0 && secs <= max {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(Error::option(key, format!("option '{key}' must be more than 0 and at most {max} seconds; got {secs}")))
    }
}

pub fn expect_map<'a>(key: &str, value: &'a OptionValue) -> Result<&'a [(String, OptionValue)]> {
    match value {
        OptionValue::Map(m) => Ok(m),
        other => Err(wrong_type(key, "an array", other)),
    }
}

/// Declares a set of option keys once: the enum, each key's name (what PHP
/// passes in its options array), the list of all, and `parse`, which
/// refuses an unknown name listing them all. Parsers match on the enum, so
/// the compiler checks that every key is handled (object_store's config
/// keys do the same).
macro_rules! option_keys {
    ($(#[$meta:meta])* $enum:ident ($what:literal) { $($variant:ident => $name:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $enum { $($variant,)* }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $($enum::$variant => $name,)* }
            }

            pub fn parse(name: &str) -> $crate::core::error::Result<Self> {
                Self::ALL.iter().copied().find(|k| k.name() == name)
                    .ok_or_else(|| $crate::core::value::unknown_option($what, name, &[$($name,)*]))
            }
        }
    };
}
pub(crate) use option_keys;

/// The error for an option name that is none of `known` (the options of
/// `what`: "", "upload", "presign"…), listing them.
pub fn unknown_option(what: &str, name: &str, known: &[&str]) -> Error {
    let what = if what.is_empty() { String::new() } else { format!("{what} ") };
    Error::option(name, format!("{what}option '{}' is unknown", name.escape_debug()))
        .with_fix(format!("use only these options: {}", known.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::presign::{PresignKey, PresignOptions};
    use crate::core::upload::{PutKey, PutOptions};
    use crate::core::upload_queue::{QueueKey, QueueOptions};

    /// An unknown key is refused naming exactly the declared ones, under
    /// the option's own name (the enum is what each parser matches on).
    fn refuses_unknown(kind: &str, names: Vec<&str>, parse: impl Fn(&[(String, OptionValue)]) -> Result<()>) {
        let e = parse(&[("nope".to_string(), OptionValue::Int(1))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("nope"), "{kind}");
        assert_eq!(e.fix.as_deref(), Some(format!("use only these options: {}", names.join(", ")).as_str()), "{kind}");
        assert!(e.to_string().contains(&format!("{kind} option 'nope' is unknown")), "{kind}: {e}");
    }

    #[test]
    fn each_parser_refuses_an_unknown_option_naming_its_own() {
        refuses_unknown("presign", PresignKey::ALL.iter().map(|k| k.name()).collect(), |p| {
            PresignOptions::from_pairs(p).map(drop)
        });
        refuses_unknown("upload", PutKey::ALL.iter().map(|k| k.name()).collect(), |p| PutOptions::from_pairs(p).map(drop));
        refuses_unknown("upload queue", QueueKey::ALL.iter().map(|k| k.name()).collect(), |p| {
            QueueOptions::from_pairs(p, 1 << 24).map(drop)
        });
    }
}
