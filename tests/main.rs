mod artifact_compat;
mod artifact_integrity;
mod cli;
mod conditions;
mod conformance;
mod core_engine;
mod corpus;
mod differential;
mod fuzz_replay;
mod grammar;
mod hostile;
mod props;
mod reference_cases;
mod sources;
#[path = "support/strategies.rs"]
mod strategies;
mod support;
mod whole_decision;
