//! CRC-32 (IEEE 802.3: polynomial `0x04C11DB7`, reflected, initial and final value `!0`), the
//! checksum of the artifact's header and sections, computed 16 bytes at a time with tables
//! built at compile time ("slicing-by-16").

/// The reflected polynomial.
const POLY: u32 = 0xEDB8_8320;

/// `TABLES[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
static TABLES: [[u32; 256]; 16] = tables();

#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build, never a run"
)]
const fn tables() -> [[u32; 256]; 16] {
    let mut t = [[0u32; 256]; 16];
    let mut b = 0;
    while b < 256 {
        let mut c = b as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { (c >> 1) ^ POLY } else { c >> 1 };
            k += 1;
        }
        t[0][b] = c;
        b += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            b += 1;
        }
        k += 1;
    }
    t
}

/// Table `k` at the low byte of `x`.
#[inline(always)]
fn at(k: usize, x: u32) -> u32 {
    TABLES
        .get(k)
        .and_then(|t| t.get((x & 0xFF) as usize))
        .copied()
        .unwrap_or(0)
}

/// The CRC-32 of `bytes`.
///
/// ```
/// assert_eq!(iamc_format::container::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        let Ok([b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15]) =
            <[u8; 16]>::try_from(c)
        else {
            continue;
        };
        let a = u32::from_le_bytes([b0, b1, b2, b3]) ^ crc;
        crc = at(15, a)
            ^ at(14, a >> 8)
            ^ at(13, a >> 16)
            ^ at(12, a >> 24)
            ^ at(11, u32::from(b4))
            ^ at(10, u32::from(b5))
            ^ at(9, u32::from(b6))
            ^ at(8, u32::from(b7))
            ^ at(7, u32::from(b8))
            ^ at(6, u32::from(b9))
            ^ at(5, u32::from(b10))
            ^ at(4, u32::from(b11))
            ^ at(3, u32::from(b12))
            ^ at(2, u32::from(b13))
            ^ at(1, u32::from(b14))
            ^ at(0, u32::from(b15));
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ at(0, crc ^ u32::from(b));
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit by bit, straight from the definition.
    fn slow(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ POLY
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn every_length_and_alignment_agrees_with_the_definition() {
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..17 {
            for end in start..data.len() {
                let s = data.get(start..end).unwrap_or_default();
                assert_eq!(crc32(s), slow(s), "{start}..{end}");
            }
        }
    }
}
