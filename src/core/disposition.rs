//! Content-Disposition for downloads (RFC 6266 with RFC 5987 `filename*`).
//!
//! A filename is whatever a customer's mail client sent: quotes, CR/LF,
//! backslashes, NUL, right-to-left marks, 10,000 characters. The header we
//! build from it must stay one well-formed header whatever it holds, so the
//! plain `filename="…"` gets an ASCII fallback with every risky byte replaced
//! and the real name goes percent-encoded into `filename*`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::{Error, Result};

/// RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" pass, all else is encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Browsers and file systems cut names far shorter than this; a bound also
/// keeps signed URLs well under the 8 KiB request-line limit of most servers.
const MAX_FILENAME_BYTES: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispositionType {
    Inline,
    Attachment,
}

impl DispositionType {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "inline" => Ok(DispositionType::Inline),
            "attachment" => Ok(DispositionType::Attachment),
            other => Err(Error::config(format!(
                "disposition must be 'inline' or 'attachment'; got {:?}",
                other.escape_debug().to_string()
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            DispositionType::Inline => "inline",
            DispositionType::Attachment => "attachment",
        }
    }
}

/// Media types a browser may render inline from the store's origin without
/// running anything: raster images, audio and video. An SVG or HTML file
/// sent inline from there runs its scripts with that origin (every other
/// object of the bucket reachable through signed links it can see), so
/// everything else is downloaded instead.
const SAFE_INLINE_TYPES: &[&str] = &[
    "image/png",
    "image/apng",
    "image/jpeg",
    "image/pjpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "image/x-icon",
    "image/vnd.microsoft.icon",
];

/// Whether a response of this Content-Type may be shown inline. Unknown
/// (None) is not: the store would answer with whatever type it holds.
pub fn inline_is_safe(content_type: Option<&str>) -> bool {
    let Some(media_type) = content_type.and_then(|t| t.split(';').next()) else { return false };
    let media_type = media_type.trim().to_ascii_lowercase();
    SAFE_INLINE_TYPES.contains(&media_type.as_str())
        || media_type.starts_with("audio/")
        || media_type.starts_with("video/")
}

/// `kind`, except that inline becomes attachment for a type that is not
/// safe to render inline.
pub fn safe_disposition(kind: DispositionType, content_type: Option<&str>) -> DispositionType {
    match kind {
        DispositionType::Inline if !inline_is_safe(content_type) => DispositionType::Attachment,
        other => other,
    }
}

/// The header value for a disposition and an optional filename.
pub fn content_disposition(kind: DispositionType, filename: Option<&str>) -> String {
    let Some(name) = filename.map(clean_filename).filter(|n| !n.is_empty()) else {
        return kind.as_str().to_owned();
    };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '%') => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(&name, ATTR_CHAR);
    format!("{}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}", kind.as_str())
}

/// Drops control and bidirectional-override characters (which make
/// "invoice\u{202E}fdp.exe" display as "invoiceexe.pdf"), and path
/// separators, then shortens to a bounded length keeping the extension.
fn clean_filename(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| if c == '/' || c == '\\' { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.len() <= MAX_FILENAME_BYTES {
        return cleaned;
    }
    let ext = match cleaned.rsplit_once('.') {
        Some((_, e)) if !e.is_empty() && e.len() <= 16 => format!(".{e}"),
        _ => String::new(),
    };
    let mut stem = String::new();
    for c in cleaned.chars() {
        if stem.len() + c.len_utf8() + ext.len() > MAX_FILENAME_BYTES {
            break;
        }
        stem.push(c);
    }
    stem + &ext
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// A Content-Type for a download response: `type/subtype` with optional
/// parameters, printable ASCII only.
pub fn validate_content_type(value: &str) -> Result<()> {
    let printable = value.bytes().all(|b| (0x20..0x7f).contains(&b));
    let shaped = value
        .split(';')
        .next()
        .and_then(|t| t.trim().split_once('/'))
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !a.contains(' ') && !b.contains(' '));
    if printable && shaped && value.len() <= 255 {
        Ok(())
    } else {
        Err(Error::config(format!(
            "content_type must look like 'type/subtype' in printable ASCII; got {:?}",
            value.escape_debug().to_string()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_audio_and_video_stay_inline() {
        use DispositionType::*;
        for safe in ["image/png", "IMAGE/JPEG; q=1", "image/gif", "audio/ogg", "video/webm"] {
            assert_eq!(safe_disposition(Inline, Some(safe)), Inline, "{safe}");
        }
        for unsafe_type in ["image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/pdf", "text/plain"] {
            assert_eq!(safe_disposition(Inline, Some(unsafe_type)), Attachment, "{unsafe_type}");
        }
        assert_eq!(safe_disposition(Inline, None), Attachment, "unknown type");
        assert_eq!(safe_disposition(Attachment, Some("image/png")), Attachment);
    }

    #[test]
    fn plain_name() {
        assert_eq!(
            content_disposition(DispositionType::Attachment, Some("report.pdf")),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
    }

    #[test]
    fn no_name_is_just_the_type() {
        assert_eq!(content_disposition(DispositionType::Inline, None), "inline");
        assert_eq!(content_disposition(DispositionType::Inline, Some("\r\n")), "inline");
    }

    #[test]
    fn quotes_crlf_and_unicode_cannot_break_the_header() {
        let h = content_disposition(DispositionType::Attachment, Some("a\"b\r\nSet-Cookie: x=1;\\ é.txt"));
        assert!(!h.contains('\r') && !h.contains('\n'));
        assert_eq!(h.matches('"').count(), 2, "{h}");
        assert!(h.contains("filename*=UTF-8''a%22bSet-Cookie%3A%20x%3D1%3B_%20%C3%A9.txt"), "{h}");
        assert!(h.is_ascii());
    }

    #[test]
    fn bidi_override_is_removed() {
        let h = content_disposition(DispositionType::Attachment, Some("invoice\u{202E}fdp.exe"));
        assert!(h.contains("filename=\"invoicefdp.exe\""), "{h}");
    }

    #[test]
    fn very_long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(10_000));
        let cleaned = clean_filename(&long);
        assert!(cleaned.len() <= MAX_FILENAME_BYTES && cleaned.ends_with(".pdf"));
    }

    #[test]
    fn disposition_type_is_checked() {
        assert!(DispositionType::parse("inline").is_ok());
        assert!(DispositionType::parse("attachment\r\n").is_err());
    }

    #[test]
    fn content_types() {
        assert!(validate_content_type("image/png").is_ok());
        assert!(validate_content_type("text/plain; charset=utf-8").is_ok());
        assert!(validate_content_type("text/html\r\nX: y").is_err());
        assert!(validate_content_type("nonsense").is_err());
    }
}
