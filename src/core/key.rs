//! Where an object key is computed: `prefix` + caller's key, validated.
//!
//! S3 accepts almost any byte string as a key, but keys that look like paths
//! (`..`, a leading `/`) or carry control characters are resolved differently
//! by S3-compatible stores, proxies and the console, so a key that is read in
//! one place may be written in another. We refuse them instead of guessing.

use super::error::{Error, Result};

/// S3's own limit on the UTF-8 length of a whole key.
pub const MAX_KEY_BYTES: usize = 1024;

/// Whether a key names an object about to be created, or one that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    /// Keys we write are held to the strict shape.
    New,
    /// Keys of existing objects are taken as stored: other writers (the
    /// official osTicket plugin with a folder typed `a/` or `/a`) left keys
    /// with empty segments, `a//KEY` and `/a/KEY`, and those objects must
    /// stay readable and deletable. `.`/`..` segments and control
    /// characters stay refused: stores and proxies resolve them differently.
    Stored,
}

/// A folder inside the bucket, stored normalised as `""` or `"a/b/"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    /// Accepts `folder`, `folder/`, `a/b`; surrounding slashes are trimmed
    /// because osTicket admins type the folder either way.
    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim_matches('/');
        if trimmed.is_empty() {
            return Ok(KeyPrefix(String::new()));
        }
        check_segments(trimmed).map_err(|why| {
            Error::option("prefix", format!("option 'prefix' is invalid: {why}"))
                .with_fix("use a folder name such as 'attachments' or 'helpdesk/files'")
        })?;
        if trimmed.len() >= MAX_KEY_BYTES {
            return Err(Error::option("prefix", format!(
                "option 'prefix' is {} bytes long; S3 keys, prefix included, are at most {MAX_KEY_BYTES} bytes",
                trimmed.len()
            )));
        }
        Ok(KeyPrefix(format!("{trimmed}/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The full object key for a caller's key, or why it is refused.
    pub fn object_key(&self, key: &[u8], usage: KeyUse) -> Result<String> {
        let key = std::str::from_utf8(key).map_err(|_| {
            Error::config("the object key is not valid UTF-8")
                .with_fix("S3 keys are UTF-8 text; encode binary names (e.g. bin2hex) first")
        })?;
        if key.is_empty() {
            return Err(Error::config("the object key is empty").with_fix("pass a non-empty key"));
        }
        let checked = match usage {
            KeyUse::New => check_segments(key),
            KeyUse::Stored => check_stored(key),
        };
        checked.map_err(|why| {
            Error::config(format!("the object key {:?} is refused: {why}", printable(key)))
                .with_fix("use keys made of names separated by single '/'")
        })?;
        let full = format!("{}{}", self.0, key);
        if full.len() > MAX_KEY_BYTES {
            return Err(Error::config(format!(
                "the object key is {} bytes long with its prefix; S3 allows at most {MAX_KEY_BYTES}",
                full.len()
            ))
            .with_fix("shorten the key or the prefix"));
        }
        Ok(full)
    }
}

/// What no key may contain, new or stored: control characters, and `.` or
/// `..` segments (which some stores and proxies resolve to another key).
fn check_stored(path: &str) -> std::result::Result<(), &'static str> {
    if path.chars().any(|c| c.is_control()) {
        return Err("it contains a control character (such as NUL, CR or LF)");
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return Err("it contains a '.' or '..' path segment");
    }
    Ok(())
}

/// A key this extension creates: also no leading '/' and no empty segment.
fn check_segments(path: &str) -> std::result::Result<(), &'static str> {
    check_stored(path)?;
    if path.starts_with('/') {
        return Err("it starts with '/'");
    }
    if path.split('/').any(str::is_empty) {
        return Err("it contains an empty path segment ('//' or a trailing '/')");
    }
    Ok(())
}

/// For messages only: a key with its control characters escaped, shortened.
fn printable(key: &str) -> String {
    let escaped: String = key.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 120 {
        format!("{}…", escaped.chars().take(120).collect::<String>())
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_trimmed_and_gets_one_trailing_slash() {
        assert_eq!(KeyPrefix::parse("/tickets/").unwrap().as_str(), "tickets/");
        assert_eq!(KeyPrefix::parse("a/b").unwrap().as_str(), "a/b/");
        assert_eq!(KeyPrefix::parse("").unwrap().as_str(), "");
        assert_eq!(KeyPrefix::parse("/").unwrap().as_str(), "");
    }

    #[test]
    fn prefix_with_dot_dot_is_refused() {
        assert!(KeyPrefix::parse("a/../b").is_err());
        assert!(KeyPrefix::parse("a//b").is_err());
    }

    #[test]
    fn object_key_applies_prefix() {
        let p = KeyPrefix::parse("files").unwrap();
        assert_eq!(p.object_key(b"AbC-_9", KeyUse::New).unwrap(), "files/AbC-_9");
        assert_eq!(KeyPrefix::default().object_key(b"x/y", KeyUse::New).unwrap(), "x/y");
    }

    #[test]
    fn unicode_keys_are_accepted() {
        let key = "résumé 履歴書 📎.pdf";
        assert_eq!(KeyPrefix::default().object_key(key.as_bytes(), KeyUse::New).unwrap(), key);
    }

    #[test]
    fn hostile_keys_are_refused() {
        let p = KeyPrefix::default();
        for bad in [&b""[..], b"/abs", b"a/../b", b"..", b"a\0b", b"a\r\nb", b"a//b", b"a/", b"\xff"] {
            assert!(p.object_key(bad, KeyUse::New).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn stored_keys_with_empty_segments_are_taken_as_they_are() {
        let p = KeyPrefix::default();
        for stored in ["a//KEY", "/a/KEY", "a/", "//x"] {
            assert_eq!(p.object_key(stored.as_bytes(), KeyUse::Stored).unwrap(), stored);
            assert!(p.object_key(stored.as_bytes(), KeyUse::New).is_err(), "{stored} is not a key we create");
        }
        for bad in [&b""[..], b"a/../b", b"..", b"./a", b"a\0b", b"a\r\nb", b"\xff"] {
            assert!(p.object_key(bad, KeyUse::Stored).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn key_length_counts_the_prefix() {
        let p = KeyPrefix::parse("pre").unwrap();
        assert!(p.object_key(&[b'k'; 1020], KeyUse::New).is_ok());
        assert!(p.object_key(&[b'k'; 1021], KeyUse::New).is_err());
        assert!(KeyPrefix::default().object_key(&[b'k'; 1025], KeyUse::Stored).is_err());
    }
}
