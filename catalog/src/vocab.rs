//! The catalog's small value types: access levels and condition key types.

use std::fmt;

/// One access level of AWS's service authorization reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::List,
        Level::Read,
        Level::Write,
        Level::PermissionsManagement,
        Level::Tagging,
    ];

    /// The name as AWS writes it (`Permissions management`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::List => "List",
            Level::Read => "Read",
            Level::Write => "Write",
            Level::PermissionsManagement => "Permissions management",
            Level::Tagging => "Tagging",
        }
    }

    /// Reads a level the way a user types it: case-insensitive, with `-`, `_` or a space in
    /// `permissions management` (`write`, `Tagging`, `permissions-management`).
    pub fn parse(text: &str) -> Option<Level> {
        let norm: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match norm.as_str() {
            "list" => Some(Level::List),
            "read" => Some(Level::Read),
            "write" => Some(Level::Write),
            "permissionsmanagement" => Some(Level::PermissionsManagement),
            "tagging" => Some(Level::Tagging),
            _ => None,
        }
    }

    fn code(self) -> u8 {
        match self {
            Level::List => b'L',
            Level::Read => b'R',
            Level::Write => b'W',
            Level::PermissionsManagement => b'P',
            Level::Tagging => b'T',
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action's access level: one level, or a compound one such as `Tagging, Write` (the data
/// has `Tagging, Write` and `Permissions management, Write`). The first level is the primary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccessLevel {
    /// The levels in the data's order, at most five, unused slots `None`.
    levels: [Option<Level>; 5],
}

impl AccessLevel {
    /// Reads the catalog's compact code: one letter per level (`W`, `TW`).
    pub(crate) fn from_code(code: &str) -> Option<AccessLevel> {
        let mut levels = [None; 5];
        let mut seen = 0u8;
        for (slot, byte) in code.bytes().enumerate() {
            let level = Level::ALL.into_iter().find(|l| l.code() == byte)?;
            if seen & level.bit() != 0 {
                return None;
            }
            seen |= level.bit();
            *levels.get_mut(slot)? = Some(level);
        }
        levels[0]?;
        Some(AccessLevel { levels })
    }

    /// The primary level (the first one AWS lists).
    pub fn primary(&self) -> Level {
        self.levels[0].unwrap_or(Level::Write)
    }

    /// Every level, the primary first.
    pub fn levels(&self) -> impl Iterator<Item = Level> + '_ {
        self.levels.iter().flatten().copied()
    }

    /// Whether `level` is one of this access level's levels (`Tagging, Write` contains both).
    pub fn contains(&self, level: Level) -> bool {
        self.levels().any(|l| l == level)
    }
}

impl fmt::Display for AccessLevel {
    /// As AWS writes it: `Write`, `Tagging, Write`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, level) in self.levels().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(level.as_str())?;
        }
        Ok(())
    }
}

/// The type of a condition key, as the service authorization reference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    String,
    ArrayOfString,
    Arn,
    ArrayOfArn,
    Bool,
    ArrayOfBool,
    Numeric,
    ArrayOfNumeric,
    Date,
    ArrayOfDate,
    IpAddress,
    ArrayOfIpAddress,
    Binary,
    ArrayOfBinary,
}

impl KeyType {
    const ALL: [KeyType; 14] = [
        KeyType::String,
        KeyType::ArrayOfString,
        KeyType::Arn,
        KeyType::ArrayOfArn,
        KeyType::Bool,
        KeyType::ArrayOfBool,
        KeyType::Numeric,
        KeyType::ArrayOfNumeric,
        KeyType::Date,
        KeyType::ArrayOfDate,
        KeyType::IpAddress,
        KeyType::ArrayOfIpAddress,
        KeyType::Binary,
        KeyType::ArrayOfBinary,
    ];

    /// The name as the data spells it (`ArrayOfARN`, `IPAddress`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::ArrayOfString => "ArrayOfString",
            KeyType::Arn => "ARN",
            KeyType::ArrayOfArn => "ArrayOfARN",
            KeyType::Bool => "Bool",
            KeyType::ArrayOfBool => "ArrayOfBool",
            KeyType::Numeric => "Numeric",
            KeyType::ArrayOfNumeric => "ArrayOfNumeric",
            KeyType::Date => "Date",
            KeyType::ArrayOfDate => "ArrayOfDate",
            KeyType::IpAddress => "IPAddress",
            KeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            KeyType::Binary => "Binary",
            KeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Reads the data's spelling (exact).
    pub fn parse(text: &str) -> Option<KeyType> {
        KeyType::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Whether a request may carry several values for the key (an `ArrayOf` type).
    pub fn is_multivalued(self) -> bool {
        self != self.scalar()
    }

    /// The type of one value (`ArrayOfARN` → `ARN`).
    pub fn scalar(self) -> KeyType {
        match self {
            KeyType::ArrayOfString => KeyType::String,
            KeyType::ArrayOfArn => KeyType::Arn,
            KeyType::ArrayOfBool => KeyType::Bool,
            KeyType::ArrayOfNumeric => KeyType::Numeric,
            KeyType::ArrayOfDate => KeyType::Date,
            KeyType::ArrayOfIpAddress => KeyType::IpAddress,
            KeyType::ArrayOfBinary => KeyType::Binary,
            t => t,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_levels_read_compound_codes() {
        let tw = AccessLevel::from_code("TW").unwrap();
        assert_eq!(tw.primary(), Level::Tagging);
        assert!(tw.contains(Level::Write) && tw.contains(Level::Tagging));
        assert!(!tw.contains(Level::Read));
        assert_eq!(tw.to_string(), "Tagging, Write");
        assert_eq!(
            AccessLevel::from_code("PW").unwrap().to_string(),
            "Permissions management, Write"
        );
        assert_eq!(AccessLevel::from_code(""), None);
        assert_eq!(AccessLevel::from_code("WW"), None);
        assert_eq!(AccessLevel::from_code("X"), None);
        assert_eq!(AccessLevel::from_code("LRWPTL"), None);
        assert_eq!(
            Level::parse("permissions-management"),
            Some(Level::PermissionsManagement)
        );
        assert_eq!(Level::parse("WRITE"), Some(Level::Write));
        assert_eq!(Level::parse("writes"), None);
    }

    #[test]
    fn key_types_know_multivaluedness() {
        for t in KeyType::ALL {
            assert_eq!(KeyType::parse(t.as_str()), Some(t));
            assert_eq!(t.is_multivalued(), t.as_str().starts_with("ArrayOf"));
        }
        assert_eq!(KeyType::ArrayOfArn.scalar(), KeyType::Arn);
        assert_eq!(KeyType::parse("arn"), None);
    }
}
