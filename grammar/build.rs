//! Generates the JSON parser from `src/policy.lalrpop` into `OUT_DIR`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=src/policy.lalrpop");
    lalrpop::Configuration::new().process_dir("src")
}
