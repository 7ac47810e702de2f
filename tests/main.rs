
mod props;
#[path = "support/strategies.rs"]
mod strategies;
mod grammar;
mod conditions;
