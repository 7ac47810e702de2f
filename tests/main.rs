
mod props;
#[path = "support/strategies.rs"]
mod strategies;
mod grammar;
mod conditions;
mod support;
mod reference_cases;
mod conformance;
mod cli;
mod artifact_integrity;
mod artifact_compat;
mod corpus;
mod differential;
mod fuzz_replay;
mod hostile;
