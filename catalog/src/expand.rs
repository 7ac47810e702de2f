//! The actions an action pattern matches (`iamc expand`).
//!
//! Matching is the engines' own (DESIGN.md "Actions"): the pattern becomes the compiler's
//! action DFA, and each catalog action `service:Name` is run through it ASCII-lowercased, byte
//! by byte, as a request would be. So `*` is any run of characters, `?` one Unicode scalar
//! value, and case is ignored on both sides.

use regex_automata::dfa::Automaton;
use regex_automata::util::start;
use regex_automata::Anchored;

use crate::automata::{self, Dfa};
use crate::catalog::Catalog;
use crate::error::PatternError;
use crate::view::Action;
use crate::vocab::Level;

/// Whether `dfa` matches the ASCII-lowercased concatenation of `parts` (end of input included).
fn matches_lowercased(dfa: &Dfa, parts: &[&str]) -> bool {
    let Ok(mut s) = dfa.start_state(&start::Config::new().anchored(Anchored::Yes)) else {
        return false;
    };
    for part in parts {
        for b in part.bytes() {
            s = dfa.next_state(s, b.to_ascii_lowercase());
            if dfa.is_dead_state(s) {
                return false;
            }
        }
    }
    dfa.is_match_state(dfa.next_eoi_state(s))
}

impl Catalog {
    /// The catalog actions `pattern` matches, sorted by service then name; with `level`, only
    /// those whose access level includes it (`Tagging, Write` counts as Write and as Tagging).
    ///
    /// `pattern` is `*` or `service:name-glob`. An empty result is not an error (the caller
    /// reports a pattern that matches no action).
    ///
    /// # Errors
    /// No `:`; a wildcard in the service prefix (IAM rejects both); an unknown service (with a
    /// suggestion); an automaton size limit.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let catalog = iamc_catalog::Catalog::get()?;
    /// let actions = catalog.expand("ecs:Describe*", None)?;
    /// assert!(actions.iter().any(|a| a.name() == "DescribeClusters"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn expand(
        &self,
        pattern: &str,
        level: Option<Level>,
    ) -> Result<Vec<Action<'_>>, PatternError> {
        let keep = |a: &Action<'_>| level.is_none_or(|l| a.access_level().contains(l));
        if pattern == "*" {
            return Ok(self.actions().filter(keep).collect());
        }
        let (service, name) = pattern
            .split_once(':')
            .ok_or_else(|| PatternError::no_service(pattern))?;
        if service.contains(['*', '?']) {
            return Err(PatternError::wildcard_service(service));
        }
        let Some(svc) = self.service(service) else {
            let suggestion = self.suggest_service(service).map(|s| s.prefix());
            return Err(PatternError::unknown_service(service, suggestion));
        };
        let dfa = automata::action_pattern(service, name).map_err(PatternError::automaton)?;
        Ok(svc
            .actions()
            .filter(|a| matches_lowercased(&dfa, &[svc.prefix(), ":", a.name()]))
            .filter(keep)
            .collect())
    }
}
