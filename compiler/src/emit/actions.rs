//! Action shards in the runtime's layout: every candidate list's ids in one pool per shard
//! (early lists first, then the others in order), literal actions in an open-addressing hash
//! table keyed by the runtime's `literal_hash`.

use iamc_format::program::{self, literal_hash, CandidateList, LiteralTable};

use crate::automata::action::{ActionShard, Candidates};
use crate::CompileError;

/// The runtime's form of `sh`; `allow_all` flags are kept only for identity-only sets.
pub(super) fn emit_shard(
    sh: &ActionShard,
    identity_only: bool,
) -> Result<program::ActionShard, CompileError> {
    let mut pool = Vec::new();
    let mut pooled = |c: &Candidates| into_pool(c, identity_only, &mut pool);
    let early = sh
        .early
        .iter()
        .map(&mut pooled)
        .collect::<Result<Vec<_>, _>>()?;
    let lists = sh
        .lists
        .iter()
        .map(&mut pooled)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(program::ActionShard {
        start: sh.start,
        end: sh.end,
        dfa: sh.dfa,
        states: sh.states.clone(),
        default_list: sh.default_list,
        lists,
        early,
        not_actions: sh
            .not_actions
            .iter()
            .map(|n| program::NotActionCheck {
                stmt: n.stmt,
                anchored: n.anchored.clone(),
                early_mask: n.early_mask,
            })
            .collect(),
        literals: literal_table(&sh.literals)?,
        ids: pool,
    })
}

/// Appends the ids of `c` to `pool` and returns the list naming them there.
fn into_pool(
    c: &Candidates,
    identity_only: bool,
    pool: &mut Vec<u32>,
) -> Result<CandidateList, CompileError> {
    let too_many = |_| CompileError::too_many("candidate statements");
    let list = CandidateList {
        start: u32::try_from(pool.len()).map_err(too_many)?,
        deny_len: u32::try_from(c.deny.len()).map_err(too_many)?,
        allow_len: u32::try_from(c.allow.len()).map_err(too_many)?,
        allow_all: c.allow_all && identity_only,
    };
    pool.extend(&c.deny);
    pool.extend(&c.allow);
    u32::try_from(pool.len()).map_err(too_many)?;
    Ok(list)
}

/// A [`LiteralTable`] of `(name, list)` entries (names unique, sorted).
fn literal_table(entries: &[(String, u32)]) -> Result<LiteralTable, CompileError> {
    let mut t = LiteralTable::default();
    if entries.is_empty() {
        return Ok(t);
    }
    let too_many = || CompileError::too_many("literal actions");
    let size = (2 * entries.len())
        .checked_next_power_of_two()
        .ok_or_else(too_many)?;
    t.slots = vec![LiteralTable::EMPTY; size];
    let mask = size - 1;
    for (i, (name, list)) in entries.iter().enumerate() {
        t.names.push_str(name);
        t.ends
            .push(u32::try_from(t.names.len()).map_err(|_| too_many())?);
        t.lists.push(*list);
        let entry = u32::try_from(i).map_err(|_| too_many())?;
        let mut at = (literal_hash(name.as_bytes()) as usize) & mask;
        while let Some(slot) = t.slots.get_mut(at) {
            if *slot == LiteralTable::EMPTY {
                *slot = entry;
                break;
            }
            at = (at + 1) & mask;
        }
    }
    Ok(t)
}
