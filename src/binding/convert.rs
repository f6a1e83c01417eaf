//! PHP values to core types and core results to PHP arrays.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use ext_php_rs::flags::DataType;

use crate::core::upload::PutResult;
use crate::core::listing::{IncompleteUpload, ObjectPage};
use crate::core::{checksum, Error, ObjectInfo, OptionValue, Result};

/// Nested arrays deeper than this are refused rather than walked.
const MAX_DEPTH: usize = 4;

pub fn pairs(table: Option<&ZendHashTable>) -> Vec<(String, OptionValue)> {
    table.map(|t| pairs_at(t, 0)).unwrap_or_default()
}

fn pairs_at(table: &ZendHashTable, depth: usize) -> Vec<(String, OptionValue)> {
    table
        .iter()
        .map(|(key, value)| {
            let key = match key {
                ArrayKey::Long(i) => i.to_string(),
                ArrayKey::String(s) => s,
                ArrayKey::Str(s) => s.to_owned(),
                ArrayKey::ZendString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            };
            (key, value_at(value, depth))
        })
        .collect()
}

fn value_at(zval: &Zval, depth: usize) -> OptionValue {
    let zval = zval.dereference();
    match zval.get_type() {
        DataType::Null | DataType::Undef => OptionValue::Null,
        DataType::True => OptionValue::Bool(true),
        DataType::False => OptionValue::Bool(false),
        DataType::Long => OptionValue::Int(zval.long().unwrap_or_default()),
        DataType::Double => OptionValue::Float(zval.double().unwrap_or_default()),
        DataType::String => match zval.zend_str().map(|s| s.as_bytes()) {
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(s) => OptionValue::Str(s.to_owned()),
                Err(_) => OptionValue::Bytes(bytes.to_vec()),
            },
            None => OptionValue::Null,
        },
        DataType::Array if depth < MAX_DEPTH => {
            OptionValue::Map(zval.array().map(|a| pairs_at(a, depth + 1)).unwrap_or_default())
        }
        DataType::Array => OptionValue::Other("array nested too deeply"),
        DataType::Object(_) => OptionValue::Other("object"),
        DataType::Resource => OptionValue::Other("resource"),
        _ => OptionValue::Other("value of an unsupported type"),
    }
}

/// The digests the store confirmed, by the name PHP's `hash()` knows them.
pub fn checksums(crc32c: Option<u32>, md5: Option<&str>) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    if let Some(crc) = crc32c {
        let _ = table.insert("crc32c", checksum::to_hex(crc));
    }
    if let Some(md5) = md5 {
        let _ = table.insert("md5", md5.to_owned());
    }
    table
}

/// `['size' => int, 'etag' => string, 'checksums' => ['crc32c' => hex, 'md5' => hex]]`
pub fn put_result(result: &PutResult) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    let _ = table.insert("size", result.size as i64);
    let _ = table.insert("etag", result.etag.clone());
    let _ = table.insert("checksums", checksums(result.crc32c, result.md5.as_deref()));
    table
}

pub fn object_info(info: &ObjectInfo) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    let _ = table.insert("size", info.size as i64);
    let _ = table.insert("etag", info.etag.clone());
    let _ = table.insert("content_type", info.content_type.clone());
    let _ = table.insert("cache_control", info.cache_control.clone());
    let _ = table.insert("last_modified", info.last_modified);
    let _ = table.insert("storage_class", info.storage_class.clone());
    let _ = table.insert("checksums", checksums(info.crc32c, None));
    table
}

/// The string values of a list (of keys), as bytes.
pub fn string_values(table: &ZendHashTable) -> Result<Vec<Vec<u8>>> {
    table
        .values()
        .map(|value| {
            value.dereference().zend_str().map(|s| s.as_bytes().to_vec()).ok_or_else(|| {
                Error::config(format!("keys must be strings; got {}", value.get_type()))
                    .with_fix("pass a list of object keys as strings")
            })
        })
        .collect()
}

/// `['objects' => [['key', 'size', 'last_modified'], …], 'next' => ?string]`
pub fn object_page(page: &ObjectPage) -> ZBox<ZendHashTable> {
    let mut objects = ZendHashTable::new();
    for o in &page.objects {
        let mut row = ZendHashTable::new();
        let _ = row.insert("key", o.key.clone());
        let _ = row.insert("size", o.size as i64);
        let _ = row.insert("last_modified", o.last_modified);
        let _ = objects.push(row);
    }
    let mut table = ZendHashTable::new();
    let _ = table.insert("objects", objects);
    let _ = table.insert("next", page.next.clone());
    table
}

/// `['key', 'upload_id', 'initiated']`
pub fn incomplete_upload(upload: &IncompleteUpload) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    let _ = table.insert("key", upload.key.clone());
    let _ = table.insert("upload_id", upload.upload_id.clone());
    let _ = table.insert("initiated", upload.initiated);
    table
}
