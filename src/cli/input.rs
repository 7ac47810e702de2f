//! File arguments and reading them with size caps.

use std::io::Read;

use super::CliError;

/// The largest policy file read: the grammar's document limit (8 MiB by default), far above
/// IAM's own limits (6,144 characters for a managed policy), checked before the file is held
/// in memory.
pub fn max_policy_file_bytes() -> u64 {
    u64::try_from(iamc_grammar::Limits::default().max_document_bytes).unwrap_or(u64::MAX)
}

/// The largest artifact file read (1 GiB; the whole AWS-managed corpus compiles to tens of MB).
pub const MAX_ARTIFACT_FILE_BYTES: u64 = 1 << 30;

/// Reads a whole file, refusing one larger than `limit` bytes (without reading past it).
pub fn read_capped(path: &str, limit: u64, what: &str) -> Result<Vec<u8>, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(CliError::Fatal(format!(
            "`{path}` is larger than the limit of {limit} bytes for {what}"
        )));
    }
    Ok(bytes)
}
