//! The runtime's part of loading: each DFA section validated by `regex-automata` and copied
//! into owned, `u32`-aligned storage (after `iamc_format::container::read` checked the
//! container), and the DFAs described to `Program::validate`.

use iamc_format::program::DfaShape;
use regex_automata::dfa::dense::DFA;
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

use crate::eval::anchored_start;
use crate::{Dfa, LoadError};

/// Every DFA section, in order (step 9 of the container's loading order).
///
/// # Errors
/// The first section `regex-automata` refuses, or one with bytes after its DFA.
pub(crate) fn load_dfas<'a>(
    sections: impl Iterator<Item = (usize, &'a [u8])>,
) -> Result<Vec<Dfa>, LoadError> {
    let mut dfas = Vec::with_capacity(sections.size_hint().0);
    let mut scratch = Vec::new();
    for (index, body) in sections {
        dfas.push(load_dfa(index, body, &mut scratch)?);
    }
    Ok(dfas)
}

/// Validates `body` as one dense DFA spanning the whole section, with the checking
/// `DFA::from_bytes` (never `from_bytes_unchecked`).
fn load_dfa(index: usize, body: &[u8], scratch: &mut Vec<u8>) -> Result<Dfa, LoadError> {
    let view: &[u8] = if (body.as_ptr() as usize).is_multiple_of(4) {
        body
    } else {
        // Copy into a u32-aligned window of `scratch` (reused across sections: an unaligned
        // buffer makes every section unaligned, since they sit at multiples of 8).
        scratch.clear();
        scratch.reserve(body.len().saturating_add(3));
        let off = scratch.as_ptr().align_offset(4);
        if off > 3 {
            return Err(LoadError::dfa(index, "cannot align the section"));
        }
        scratch.resize(off, 0);
        // Within the reserved capacity: no reallocation moves the window (and were it moved,
        // `from_bytes` checks the alignment itself).
        scratch.extend_from_slice(body);
        scratch
            .get(off..)
            .ok_or_else(|| LoadError::dfa(index, "cannot align the section"))?
    };
    let (dfa, read) = DFA::from_bytes(view).map_err(|e| LoadError::dfa(index, e.to_string()))?;
    if read != body.len() {
        return Err(LoadError::dfa(
            index,
            format!("{} trailing bytes after the dfa", body.len() - read),
        ));
    }
    Ok(dfa.to_owned())
}

/// A loaded DFA as `Program::validate` sees it.
pub(crate) struct Shape<'a>(pub(crate) &'a Dfa);

impl DfaShape for Shape<'_> {
    fn patterns(&self) -> usize {
        self.0.pattern_len()
    }

    fn is_match(&self, state: u32) -> bool {
        let stride = 1usize.checked_shl(self.0.stride2() as u32).unwrap_or(0);
        match StateID::new(state as usize) {
            Ok(id) => {
                stride != 0 && (state as usize).is_multiple_of(stride) && self.0.is_match_state(id)
            }
            Err(_) => false,
        }
    }

    fn has_anchored_start(&self) -> bool {
        anchored_start(self.0).is_ok()
    }
}
