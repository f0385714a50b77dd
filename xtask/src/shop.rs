//! `cargo xtask shop …`: the operator's commands against a running edge (its `/api/operator`
//! API), authenticated by the operator's key: `PARLEY_OPERATOR_KEY` in the environment, or
//! `--key`. The edge is `--edge URL` (e.g. `https://parley.example.workers.dev`, or
//! `http://127.0.0.1:8787` for `cargo xtask dev`, whose key is in `edge/.dev.vars`).
//!
//! - `create --shop ID --owner EMAIL [--name NAME]`: a shop, and the single-use link where its
//!   owner chooses a name and a password (shown once; it works for 7 days).
//! - `list`: every shop, and whether it is disabled.
//! - `disable --shop ID` and `enable --shop ID`.
//! - `code [--days N]`: a sign-up code, for an edge that takes sign-ups by invitation.

use anyhow::{bail, Context, Result};
use parley_core::time::UnixMillis;
use parley_core::utc_date;
use serde_json::{json, Value};

pub const USAGE: &str = "cargo xtask shop <create --shop ID --owner EMAIL [--name NAME] | list | disable --shop ID | enable --shop ID | code [--days N]> --edge URL [--key KEY]";

pub fn run(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let command = args.first().map(String::as_str).unwrap_or_default();
    match command {
        "create" => {
            let shop = options.required("--shop")?;
            let owner = options.required("--owner")?;
            let name = options.value("--name").unwrap_or(shop);
            let created =
                options.call("POST", "/api/operator/shops", json!({"shop": shop, "name": name, "owner": owner}))?;
            println!("Created the shop {shop}.");
            println!(
                "Send its owner ({owner}) this link, which works once, until {}:",
                when(&created["owner_link"]["expires_at"])
            );
            println!("{}", created["owner_link"]["link"].as_str().unwrap_or_default());
        }
        "list" => {
            let listed = options.call("GET", "/api/operator/shops", Value::Null)?;
            let shops = listed["shops"].as_array().cloned().unwrap_or_default();
            if shops.is_empty() {
                println!("No shops yet.");
            }
            for shop in shops {
                let disabled = if shop["disabled"].as_bool() == Some(true) { "  (disabled)" } else { "" };
                println!(
                    "{}  {}{disabled}",
                    shop["shop"].as_str().unwrap_or_default(),
                    shop["name"].as_str().unwrap_or_default()
                );
            }
        }
        "disable" | "enable" => {
            let shop = options.required("--shop")?;
            let disabled = command == "disable";
            options.call("POST", &format!("/api/operator/shops/{shop}/disabled"), json!({"disabled": disabled}))?;
            println!("{shop} is {}.", if disabled { "disabled" } else { "enabled" });
        }
        "code" => {
            let days: u32 = options.value("--days").unwrap_or("7").parse().context("--days is a number of days")?;
            let issued = options.call("POST", "/api/operator/codes", json!({"valid_days": days}))?;
            println!("{}", issued["code"].as_str().unwrap_or_default());
            println!("(a sign-up code; it works once, until {})", when(&issued["expires_at"]));
        }
        _ => bail!("usage: {USAGE}"),
    }
    Ok(())
}

/// The command's `--name value` options, the edge and the key.
struct Options<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    edge: String,
    key: String,
}

impl<'a> Options<'a> {
    fn parse(args: &'a [String]) -> Result<Self> {
        let mut pairs = Vec::new();
        let mut rest = args.iter().skip(1);
        while let Some(name) = rest.next() {
            let value = rest.next().with_context(|| format!("{name} needs a value; usage: {USAGE}"))?;
            pairs.push((name.as_str(), value.as_str()));
        }
        let find = |name: &str| pairs.iter().find(|(given, _)| *given == name).map(|(_, value)| value.to_string());
        let edge = find("--edge").with_context(|| format!("--edge URL is required; usage: {USAGE}"))?;
        let key = find("--key")
            .or_else(|| std::env::var("PARLEY_OPERATOR_KEY").ok())
            .context("the operator's key: set PARLEY_OPERATOR_KEY or give --key")?;
        Ok(Self { pairs, edge: edge.trim_end_matches('/').to_owned(), key })
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(given, _)| *given == name).map(|(_, value)| *value)
    }

    fn required(&self, name: &str) -> Result<&'a str> {
        self.value(name).with_context(|| format!("{name} is required; usage: {USAGE}"))
    }

    /// Calls the operator's API; answers the JSON body of a success, or fails with the edge's
    /// own message.
    fn call(&self, method: &str, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.edge);
        let authorization = format!("Bearer {}", self.key);
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        let mut response = match method {
            "GET" => agent.get(&url).header("authorization", &authorization).call(),
            _ => agent
                .post(&url)
                .header("authorization", &authorization)
                .header("content-type", "application/json")
                .send(body.to_string()),
        }
        .with_context(|| format!("calling {url}"))?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if !(200..300).contains(&status) {
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|error| error["message"].as_str().map(str::to_owned))
                .unwrap_or(text);
            bail!("{url} answered {status}: {message}");
        }
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }
}

/// An instant the edge gave (milliseconds since 1970) as UTC, to the second.
fn when(millis: &Value) -> String {
    millis.as_u64().map_or_else(|| "later".to_owned(), |millis| utc_date::date_time(UnixMillis(millis)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_utc_dates() {
        let cases = [
            (0_u64, "1970-01-01T00:00:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (1_796_558_303_882, "2026-12-06T11:58:23Z"),
        ];
        for (millis, expected) in cases {
            assert_eq!(when(&json!(millis)), expected, "{millis}");
        }
        assert_eq!(when(&Value::Null), "later");
    }
}
