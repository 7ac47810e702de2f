//! Artifact bytes as a forger sees them: the container's layout comes from the format's own
//! constants (`iamc_format::container`), the resealing from the compiler
//! (`iamc_compiler::container::reseal`), so the tests and fuzz targets cannot drift from the
//! layout they attack.

use iamc_format::container::{header_len, offset, MAX_SECTIONS};

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The section count and header length of a container, when the count field is readable and
/// no larger than the format allows.
pub fn sections_and_header_len(b: &[u8]) -> Option<(usize, usize)> {
    let n = u32_at(b, offset::SECTION_COUNT)?;
    if n > MAX_SECTIONS {
        return None;
    }
    let n = usize::try_from(n).ok()?;
    Some((n, header_len(n)))
}

/// Makes tampered bytes self-consistent the way a forger would: the total length field is set
/// to the buffer's length, then every checksum is recomputed (section checksums whose bounds
/// lie inside the buffer, then the header's). Whatever then loads got past every checksum, so
/// only the structural validation stands between it and the runtime. Does nothing to bytes
/// shorter than their own header.
pub fn forge_checksums(b: &mut [u8]) {
    let Some((_, hlen)) = sections_and_header_len(b) else {
        return;
    };
    if b.len() < hlen {
        return;
    }
    let total = (b.len() as u64).to_le_bytes();
    if let Some(field) = b.get_mut(offset::TOTAL_LEN..offset::TOTAL_LEN + 8) {
        field.copy_from_slice(&total);
    }
    iamc_compiler::container::reseal(b);
}

/// CRC-32 (IEEE, reflected), bit by bit from its definition: shares no code with the format's
/// table-driven checksum, which the tests hold to it.
pub fn crc32_bitwise(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_gives_the_check_value() {
        assert_eq!(crc32_bitwise(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn forging_a_sealed_artifact_changes_nothing() {
        let set = iamc_grammar::PolicySet::default();
        let bytes =
            iamc_compiler::compile_set(&set, &iamc_compiler::Config::default()).unwrap_or_default();
        let mut forged = bytes.clone();
        forge_checksums(&mut forged);
        assert!(!bytes.is_empty());
        assert_eq!(forged, bytes);
    }
}
