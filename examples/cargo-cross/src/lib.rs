//! CRC-32 (IEEE 802.3, reflected, as zlib's crc32), bit by bit: the code
//! the cross-built unit tests of examples/cargo-cross exercise.

/// CRC-32 of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn check_values() {
        assert_eq!(crc32(b""), 0);
        // The CRC catalogue's check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b"a"), 0xe8b7_be43);
    }

    /// Fails on purpose (feature demo-failure): how a failure looks
    /// under stubrun.
    #[cfg(feature = "demo-failure")]
    #[test]
    fn wrong_on_purpose() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3927);
    }
}
