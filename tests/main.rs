
mod props;
#[path = "support/strategies.rs"]
mod strategies;
