//! The metadata codec: the only place that names `bincode` (pinned `=2.0.1`, see this crate's
//! `Cargo.toml`), so that replacing it touches one file (and bumps the format version).
//!
//! Encoding: `bincode::config::standard()` (varint integers, little-endian). Decoding adds a
//! byte limit that bounds what hostile length prefixes can make the decoder allocate, and
//! rejects trailing bytes.

use bincode::error::DecodeError;

use crate::program::Program;
use crate::FormatError;

/// Decode limits, by the size of the encoded input. bincode counts a container's claimed
/// in-memory size (`len * size_of::<T>()`) against the limit before allocating it, so a lying
/// length prefix fails instead of allocating; the limit grows with the input so that a small
/// hostile section cannot claim much, while real programs (whose in-memory size is a few
/// times their encoded size) fit.
const SMALL_INPUT: usize = 64 << 10;
const SMALL_LIMIT: usize = 16 << 20;
const MEDIUM_INPUT: usize = 4 << 20;
const MEDIUM_LIMIT: usize = 256 << 20;
const LARGE_LIMIT: usize = 1 << 30;

/// The most bytes decoding may claim for an input of `len` bytes: 16 MiB up to 64 KiB of input,
/// 256 MiB up to 4 MiB, 1 GiB above.
pub fn decode_limit(len: usize) -> usize {
    if len <= SMALL_INPUT {
        SMALL_LIMIT
    } else if len <= MEDIUM_INPUT {
        MEDIUM_LIMIT
    } else {
        LARGE_LIMIT
    }
}

/// The metadata section of `program`: its bytes in bincode's standard configuration.
///
/// ```
/// use iamc_format::codec::{decode_program, encode_program};
/// use iamc_format::program::Program;
///
/// let p = Program::default();
/// assert_eq!(decode_program(&encode_program(&p))?, p);
/// # Ok::<(), iamc_format::FormatError>(())
/// ```
pub fn encode_program(program: &Program) -> Vec<u8> {
    encode(program)
}

/// Decodes a metadata section into a program (not yet checked against its DFAs:
/// [`Program::validate`] does that).
///
/// # Errors
/// Malformed input, a claimed size above [`decode_limit`], or trailing bytes; the message says
/// which (`section 0 (metadata): unexpected end of data (3 more bytes needed)`).
pub fn decode_program(bytes: &[u8]) -> Result<Program, FormatError> {
    decode(bytes)
}

/// `value` in bincode's standard configuration.
///
/// Encoding into a `Vec` fails only if a type's own `Encode` implementation fails, which none of
/// the program's derived types do; should it happen, the result is empty, which no loader
/// accepts as a program (fail closed).
fn encode<T: bincode::Encode>(value: &T) -> Vec<u8> {
    bincode::encode_to_vec(value, bincode::config::standard()).unwrap_or_default()
}

/// Decodes one `T` that must span all of `bytes`.
///
/// # Errors
/// Malformed input, a claimed size above [`decode_limit`], or trailing bytes; the message says
/// which.
fn decode<T: bincode::Decode<()>>(bytes: &[u8]) -> Result<T, FormatError> {
    let base = bincode::config::standard();
    let result = if bytes.len() <= SMALL_INPUT {
        bincode::decode_from_slice(bytes, base.with_limit::<SMALL_LIMIT>())
    } else if bytes.len() <= MEDIUM_INPUT {
        bincode::decode_from_slice(bytes, base.with_limit::<MEDIUM_LIMIT>())
    } else {
        bincode::decode_from_slice(bytes, base.with_limit::<LARGE_LIMIT>())
    };
    let (value, read) = result.map_err(|e| FormatError::metadata(describe(&e)))?;
    if read != bytes.len() {
        return Err(FormatError::metadata(format!(
            "{} trailing bytes after the encoded program",
            bytes.len().saturating_sub(read)
        )));
    }
    Ok(value)
}

/// A lowercase message for a decode error (bincode's own `Display` prints its `Debug`).
fn describe(e: &DecodeError) -> String {
    match e {
        DecodeError::UnexpectedEnd { additional } => {
            format!("unexpected end of data ({additional} more bytes needed)")
        }
        DecodeError::LimitExceeded => {
            "a length prefix claims more memory than the decode limit allows".to_string()
        }
        DecodeError::InvalidIntegerType { expected, found } => {
            format!("invalid integer encoding: expected {expected:?}, found {found:?}")
        }
        DecodeError::OutsideUsizeRange(n) => format!("length {n} does not fit in usize"),
        DecodeError::UnexpectedVariant {
            type_name, found, ..
        } => format!("invalid variant {found} of `{type_name}`"),
        DecodeError::Utf8 { .. } => "invalid utf-8 in a string".to_string(),
        DecodeError::InvalidCharEncoding(_) => "invalid char encoding".to_string(),
        DecodeError::InvalidBooleanValue(v) => format!("invalid boolean value {v}"),
        other => format!("decode error: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v: (Vec<String>, Option<u32>, bool) = (vec!["a".into(), "bc".into()], Some(7), true);
        let bytes = encode(&v);
        let back: (Vec<String>, Option<u32>, bool) = decode(&bytes).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn trailing_bytes_rejected() {
        let mut bytes = encode(&5u32);
        bytes.push(0);
        let e = decode::<u32>(&bytes).unwrap_err().to_string();
        assert_eq!(
            e,
            "section 0 (metadata): 1 trailing bytes after the encoded program"
        );
    }

    #[test]
    fn hostile_length_prefix_hits_the_limit() {
        // Varint 251 = u64 follows: a Vec<u64> claiming 2^40 elements.
        let mut bytes = vec![253u8];
        bytes.extend_from_slice(&(1u64 << 40).to_le_bytes());
        let e = decode::<Vec<u64>>(&bytes).unwrap_err().to_string();
        assert!(e.contains("decode limit"), "{e}");
        // A String claiming 1 GiB from a 9-byte input.
        let mut bytes = vec![253u8];
        bytes.extend_from_slice(&(1u64 << 30).to_le_bytes());
        let e = decode::<String>(&bytes).unwrap_err().to_string();
        assert!(e.contains("decode limit"), "{e}");
        assert_eq!(decode_limit(bytes.len()), SMALL_LIMIT);
    }

    #[test]
    fn truncated_and_bad_variant() {
        let bytes = encode(&vec![1u32, 2, 3]);
        let e = decode::<Vec<u32>>(&bytes[..2]).unwrap_err().to_string();
        assert!(e.contains("unexpected end"), "{e}");
        let e = decode::<Option<u32>>(&[7]).unwrap_err().to_string();
        assert!(e.contains("invalid variant"), "{e}");
    }
}
