//! `iamc simulate`: IAM's `SimulateCustomPolicy`, offline (`iamc::simulate`).

use iamc::simulate::{run as simulate, Options, Semantics as SimSemantics};

use super::input::Input;
use super::output::write_raw;
use super::policies::Engine;
use super::{CliError, Streams, EXIT_OK};

/// Answer an `aws iam simulate-custom-policy` request offline
///
/// Reads the request document of `aws iam simulate-custom-policy --cli-input-json` (IAM's
/// SimulateCustomPolicy: PolicyInputList, PermissionsBoundaryPolicyInputList,
/// OrderedOrganizationPolicyInputList, ActionNames, ResourceArns, ResourcePolicy,
/// ResourceOwner, CallerArn, ContextEntries) and prints the answer as
/// `aws iam simulate-custom-policy --output json` does: EvaluationResults with EvalDecision,
/// MatchedStatements (SourcePolicyId, SourcePolicyType, StartPosition, EndPosition),
/// MissingContextValues and the boundary, organizations and resource details.
///
/// By default `sts:AssumeRole*` is answered as AWS's simulator answers it, from the
/// identity-based policies alone (a trust policy given as ResourcePolicy is parsed, not
/// evaluated); a warning says where IAM would answer otherwise. `--semantics iam` answers as
/// IAM (and `iamc eval`) do. Fields iamc ignores and rules it holds stricter than the simulator
/// are warnings on stderr.
///
/// Exit status: 0 answered, 2 usage or I/O error, or a request the simulator would refuse
/// (printed as `iamc: error: InvalidInput: MESSAGE`).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The request document (`-` for standard input; a `file://` prefix is accepted)
    #[arg(long = "cli-input-json", value_name = "FILE")]
    input: String,
    /// How `sts:AssumeRole*` is answered
    #[arg(long, value_enum, default_value_t = Semantics::Simulator)]
    semantics: Semantics,
    /// Which engine decides
    #[arg(long, value_enum, default_value_t = Engine::Compiled)]
    engine: Engine,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Semantics {
    /// As AWS's simulator: trust policies are not evaluated for `sts:AssumeRole*`
    Simulator,
    /// As IAM: the role's trust policy must grant
    Iam,
}

/// The largest request document read.
const MAX_INPUT_BYTES: u64 = iamc::simulate::input::MAX_INPUT_BYTES as u64;

pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let path = args.input.strip_prefix("file://").unwrap_or(&args.input);
    let input = Input::parse(path).map_err(CliError::usage)?;
    let bytes = input.read(io.stdin, MAX_INPUT_BYTES, "a request document")?;
    let name = input.name().to_owned();
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::Fatal(format!(
            "`{name}` is not valid utf-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let options = Options {
        semantics: match args.semantics {
            Semantics::Simulator => SimSemantics::Simulator,
            Semantics::Iam => SimSemantics::Iam,
        },
        engine: args.engine.into(),
    };
    let sim = simulate(&name, &text, &options).map_err(|e| CliError::Fatal(e.to_string()))?;
    for w in &sim.warnings {
        if w.contains(": warning: ") {
            let _ = writeln!(io.stderr, "{w}");
        } else {
            let _ = writeln!(io.stderr, "iamc: warning: {w}");
        }
    }
    write_raw(io.stdout, &sim.to_json())?;
    Ok(EXIT_OK)
}
