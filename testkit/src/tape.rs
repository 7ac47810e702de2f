//! The choice tape every generator reads: each random decision takes the next draw.
//!
//! A tape is either a slice of bytes (a fuzzer's input, or a byte vector proptest generates
//! and shrinks) or a seeded stream (xorshift64*, for the deterministic request derivation of
//! the corpus tests and the benches). A slice that runs out reads 0, and 0 is always the
//! simplest choice: the first variant, the shortest length, "no", so a shorter or zeroed tape
//! is a simpler case and shrinking the tape shrinks the case.

/// A cursor over choices: fuzzer bytes, proptest bytes, or a seeded stream.
#[derive(Debug, Clone)]
pub struct Tape<'a> {
    source: Source<'a>,
}

#[derive(Debug, Clone)]
enum Source<'a> {
    Bytes { data: &'a [u8], pos: usize },
    Seeded(u64),
}

impl<'a> Tape<'a> {
    /// A tape over `data`; past its end every draw is 0.
    pub fn new(data: &'a [u8]) -> Tape<'a> {
        Tape {
            source: Source::Bytes { data, pos: 0 },
        }
    }

    /// An endless deterministic tape: xorshift64* from the FNV-1a hash of `seed`.
    pub fn seeded(seed: &str) -> Tape<'static> {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in seed.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Tape {
            source: Source::Seeded(h | 1),
        }
    }

    /// The next raw draw: a byte (0 once a slice is exhausted) or a 64-bit word.
    pub fn word(&mut self) -> u64 {
        match &mut self.source {
            Source::Bytes { data, pos } => {
                let b = data.get(*pos).copied().unwrap_or(0);
                *pos = pos.saturating_add(1);
                u64::from(b)
            }
            Source::Seeded(state) => {
                *state ^= *state >> 12;
                *state ^= *state << 25;
                *state ^= *state >> 27;
                state.wrapping_mul(0x2545_f491_4f6c_dd1d)
            }
        }
    }

    /// The next draw as a byte.
    pub fn byte(&mut self) -> u8 {
        (self.word() & 0xff) as u8
    }

    /// 32 bits from four draws (a mask, say).
    pub fn bits32(&mut self) -> u32 {
        (0..4).fold(0u32, |acc, _| (acc << 8) | u32::from(self.byte()))
    }

    /// A number in `0..n` (0 when `n <= 1`); always takes a draw, so a choice among one does
    /// not shift the choices after it.
    pub fn below(&mut self, n: usize) -> usize {
        let w = self.word();
        if n <= 1 {
            0
        } else {
            (w % n as u64) as usize
        }
    }

    /// A number in `lo..=hi` (`lo` when `hi <= lo`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// True with probability one half (false on an exhausted tape).
    pub fn coin(&mut self) -> bool {
        self.word() & 1 == 1
    }

    /// True with probability about `1/n` (false on an exhausted tape).
    pub fn one_in(&mut self, n: u8) -> bool {
        let b = self.byte();
        b != 0 && b.is_multiple_of(n.max(1))
    }

    /// True with probability about `percent`% (false on an exhausted tape).
    pub fn chance(&mut self, percent: u64) -> bool {
        self.word() % 100 >= 100 - percent.min(100)
    }

    /// An index drawn with the given weights; a 0 draw is index 0.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.word() % total.max(1);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        0
    }

    /// One of `xs` (`None` when it is empty).
    pub fn pick<'b, T>(&mut self, xs: &'b [T]) -> Option<&'b T> {
        if xs.is_empty() {
            None
        } else {
            xs.get(self.below(xs.len()))
        }
    }

    /// One of `xs`, owned (empty when `xs` is).
    pub fn pick_str(&mut self, xs: &[&str]) -> String {
        self.pick(xs).map(|s| (*s).to_owned()).unwrap_or_default()
    }

    /// The bytes of a slice tape not read yet (empty for a seeded tape).
    pub fn rest(&self) -> &'a [u8] {
        match &self.source {
            Source::Bytes { data, pos } => data.get(*pos..).unwrap_or(&[]),
            Source::Seeded(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exhausted_tape_makes_the_simplest_choices() {
        let mut t = Tape::new(&[]);
        assert_eq!(t.below(7), 0);
        assert!(!t.coin() && !t.one_in(3) && !t.chance(99));
        assert_eq!(t.weighted(&[1, 5, 9]), 0);
        assert_eq!(t.range(2, 9), 2);
        assert_eq!(t.pick(&["a", "b"]), Some(&"a"));
    }

    #[test]
    fn a_seeded_tape_is_deterministic_and_endless() {
        let (mut a, mut b) = (Tape::seeded("x"), Tape::seeded("x"));
        let xs: Vec<u64> = (0..100).map(|_| a.word()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.word()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|&x| x != 0));
        assert_ne!(Tape::seeded("y").word(), xs[0]);
    }

    #[test]
    fn bytes_are_read_in_order() {
        let mut t = Tape::new(&[3, 250, 7]);
        assert_eq!(t.byte(), 3);
        assert_eq!(t.rest(), &[250, 7]);
        assert_eq!(t.below(100), 50);
        assert!(t.coin());
        assert_eq!(t.byte(), 0);
    }
}
