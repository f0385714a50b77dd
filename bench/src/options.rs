//! The command line: `load [--quick] [--conversations N] [--rate R] [--seconds S] [--agents A]
//! [--targets loopback,socket-io,echo-object,parley] [--profile] [--json]`, `capacity [--quick]
//! [--step N] [--max N] [--direct] [--profile] [--json]` and `cost [--conversations N] [--json]`.

use std::str::FromStr;

use anyhow::{bail, Context, Result};

pub const USAGE: &str = "load [--quick] [--conversations N] [--rate MESSAGES_PER_SECOND] [--seconds S] [--agents A] [--targets loopback,socket-io,echo-object,parley] [--profile] [--json]
       capacity [--quick] [--step SOCKETS] [--max SOCKETS] [--direct] [--profile] [--json]
       cost [--conversations N] [--json]";

/// Something the load runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// (a) A bare WebSocket relay in this process.
    Loopback,
    /// (c) A Socket.IO room relay on Node.
    SocketIo,
    /// (b) The edge's echo Durable Object.
    EchoObject,
    Parley,
}

impl Target {
    /// Every target, in the order they run: the baselines first.
    pub const ALL: [Target; 4] = [Target::Loopback, Target::SocketIo, Target::EchoObject, Target::Parley];

    fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "loopback" => Target::Loopback,
            "socket-io" => Target::SocketIo,
            "echo-object" => Target::EchoObject,
            "parley" => Target::Parley,
            other => bail!("unknown target {other:?}: loopback, socket-io, echo-object or parley"),
        })
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Target::Loopback => "bare WebSocket relay",
            Target::SocketIo => "Socket.IO relay",
            Target::EchoObject => "echo Durable Object",
            Target::Parley => "Parley",
        }
    }

    /// Whether it runs on the local edge.
    pub fn on_the_edge(self) -> bool {
        matches!(self, Target::EchoObject | Target::Parley)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub conversations: usize,
    pub rate: f64,
    pub seconds: f64,
    pub agents: usize,
    pub targets: Vec<Target>,
    /// Parley's run records what each process spent and a CPU profile of the Worker.
    pub profile: bool,
    pub json: bool,
}

/// Conversations each agent answers unless told otherwise: every change at the desk sends the
/// whole queue to every console, so more consoles multiply what the set-up costs.
const CONVERSATIONS_PER_AGENT: usize = 200;

impl Options {
    /// Reads the arguments after `load`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let quick = args.iter().any(|arg| arg == "--quick");
        let mut conversations: usize = if quick { 50 } else { 1_000 };
        let mut rate = if quick { 100.0 } else { 200.0 };
        let mut seconds = if quick { 5.0 } else { 10.0 };
        let mut agents = None;
        let mut targets = Target::ALL.to_vec();
        let (mut profile, mut json) = (false, false);
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--quick" => {}
                "--json" => json = true,
                "--profile" => profile = true,
                "--conversations" => conversations = value(&mut rest, arg)?,
                "--rate" => rate = value(&mut rest, arg)?,
                "--seconds" => seconds = value(&mut rest, arg)?,
                "--agents" => agents = Some(value(&mut rest, arg)?),
                "--targets" => {
                    targets = value::<String>(&mut rest, arg)?.split(',').map(Target::parse).collect::<Result<_>>()?
                }
                other => bail!("unknown option {other:?}; usage: {USAGE}"),
            }
        }
        let positive = |number: f64| number > 0.0;
        if conversations == 0 || !positive(rate) || !positive(seconds) || agents == Some(0) {
            bail!("conversations, rate, seconds and agents must be more than 0");
        }
        let agents = agents.unwrap_or(conversations.div_ceil(CONVERSATIONS_PER_AGENT));
        Ok(Self { conversations, rate, seconds, agents, targets, profile, json })
    }
}

/// The value after option `name` in `rest`, read as a `T`.
fn value<T>(rest: &mut std::slice::Iter<'_, String>, name: &str) -> Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text = rest.next().with_context(|| format!("{name} needs a value; usage: {USAGE}"))?;
    text.parse().with_context(|| name.to_owned())
}

/// `capacity`'s options.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityOptions {
    /// Shopper sockets added at each step.
    pub step: usize,
    /// Where it stops stepping up, held or not.
    pub max: usize,
    /// Sockets go straight to the Worker's own workerd, past wrangler's proxy, as production's
    /// edge (which has no such proxy) is reached.
    pub direct: bool,
    /// Each probe records what each process spent and a CPU profile of the Worker.
    pub profile: bool,
    pub json: bool,
}

impl CapacityOptions {
    /// Reads the arguments after `capacity`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let quick = args.iter().any(|arg| arg == "--quick");
        let (mut step, mut max) = if quick { (150, 300) } else { (1_000, 10_000) };
        let (mut direct, mut profile, mut json) = (false, false, false);
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--quick" => {}
                "--json" => json = true,
                "--direct" => direct = true,
                "--profile" => profile = true,
                "--step" => step = value(&mut rest, arg)?,
                "--max" => max = value(&mut rest, arg)?,
                other => bail!("unknown option {other:?}; usage: {USAGE}"),
            }
        }
        if step == 0 || max == 0 {
            bail!("step and max must be more than 0");
        }
        Ok(Self { step, max, direct, profile, json })
    }
}

/// The options of `cost`.
#[derive(Debug, Clone, PartialEq)]
pub struct CostOptions {
    /// Whole conversations to hold.
    pub conversations: usize,
    pub json: bool,
}

impl CostOptions {
    /// Reads the arguments after `cost`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Self { conversations: 100, json: false };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--json" => options.json = true,
                "--conversations" => options.conversations = value(&mut rest, arg)?,
                other => bail!("unknown option {other:?}; usage: {USAGE}"),
            }
        }
        if options.conversations == 0 {
            bail!("conversations must be more than 0");
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    fn parse(line: &str) -> Result<Options> {
        Options::parse(&words(line))
    }

    #[test]
    fn cost_defaults_and_overrides() {
        let cases = [
            ("", CostOptions { conversations: 100, json: false }),
            ("--conversations 5 --json", CostOptions { conversations: 5, json: true }),
        ];
        for (line, expected) in cases {
            assert_eq!(CostOptions::parse(&words(line)).expect(line), expected, "{line}");
        }
        for wrong in ["--conversations", "--conversations 0", "--conversations many", "--quick"] {
            assert!(CostOptions::parse(&words(wrong)).is_err(), "{wrong}");
        }
    }

    #[test]
    fn defaults_quick_and_overrides() {
        let all = Target::ALL.to_vec();
        let cases = [
            (
                "",
                Options {
                    conversations: 1_000,
                    rate: 200.0,
                    seconds: 10.0,
                    agents: 5,
                    targets: all.clone(),
                    profile: false,
                    json: false,
                },
            ),
            (
                "--quick",
                Options {
                    conversations: 50,
                    rate: 100.0,
                    seconds: 5.0,
                    agents: 1,
                    targets: all.clone(),
                    profile: false,
                    json: false,
                },
            ),
            (
                "--conversations 20 --rate 190 --json --profile --targets parley,echo-object",
                Options {
                    conversations: 20,
                    rate: 190.0,
                    seconds: 10.0,
                    agents: 1,
                    targets: vec![Target::Parley, Target::EchoObject],
                    profile: true,
                    json: true,
                },
            ),
            (
                "--quick --seconds 2 --agents 3",
                Options {
                    conversations: 50,
                    rate: 100.0,
                    seconds: 2.0,
                    agents: 3,
                    targets: all,
                    profile: false,
                    json: false,
                },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(line).expect(line), expected, "{line}");
        }
        for wrong in ["--rate", "--rate fast", "--rate 0", "--targets redis", "--conversations 0", "--loud"] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn capacity_defaults_quick_and_overrides() {
        let cases = [
            ("", CapacityOptions { step: 1_000, max: 10_000, direct: false, profile: false, json: false }),
            ("--quick", CapacityOptions { step: 150, max: 300, direct: false, profile: false, json: false }),
            (
                "--step 500 --max 2000 --direct --profile --json",
                CapacityOptions { step: 500, max: 2_000, direct: true, profile: true, json: true },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(CapacityOptions::parse(&words(line)).expect(line), expected, "{line}");
        }
        for wrong in ["--step", "--step 0", "--max many", "--rate 5"] {
            assert!(CapacityOptions::parse(&words(wrong)).is_err(), "{wrong}");
        }
    }
}
