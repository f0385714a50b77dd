//! Honest numbers over the real edge: a shopper still waiting past the shop's target (in the
//! queue, or claimed and not yet answered) is a miss in the share within target and shows as
//! unanswered, every figure reads to the millisecond,
//! the report has its figures per UTC day for the dashboard's chart, and owners export the
//! metrics and the conversations as CSV (agents may not).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};

use crate::api::{agent_socket, send_acked};
use crate::case;
use crate::client::{api_error, Api};
use crate::engine::{claim, conversation_where, metrics, rate, resolved_conversation, waiting_conversation};
use crate::eventually::eventually_within;
use crate::runner::{Case, Env};
use crate::shops::{agent_email, login, seed};
use parley_core::metrics::MetricsReport;
use parley_core::protocol::ErrorCode;

pub fn cases() -> Vec<Case> {
    vec![
        case!(a_shopper_waiting_past_the_target_is_a_miss_and_shows_as_unanswered),
        case!(the_report_has_each_day_of_its_window),
        case!(owners_export_the_metrics_and_the_conversations_as_csv),
    ]
}

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// Whether every number in a JSON document has at most 3 decimals.
fn to_the_millisecond(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.as_f64().is_some_and(|x| ((x * 1000.0).round() / 1000.0) == x),
        Value::Array(items) => items.iter().all(to_the_millisecond),
        Value::Object(fields) => fields.values().all(to_the_millisecond),
        _ => true,
    }
}

async fn a_shopper_waiting_past_the_target_is_a_miss_and_shows_as_unanswered(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({"frt_target_seconds": 1}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    // One shopper answered at once, within the 1 s target.
    let (id, mut answered, _) = waiting_conversation(&api, &shop, "Quick question").await?;
    claim(&mut desk, &id).await?;
    let mut chat = agent_socket(&api, &ana, &id).await?;
    send_acked(&mut chat, "a1", "Quick answer").await?;
    conversation_where(&mut answered, |c| c.first_response_millis.is_some()).await?;
    let before = eventually_within(Duration::from_secs(10), "the first response in the metrics", || async {
        let report = metrics(&api, &shop, &ana).await?;
        Ok((report.frt_seconds.count == 1).then_some(report))
    })
    .await?;
    ensure!(before.within_target_percent == Some(100.0), "answered within the target: {before:?}");

    // Another is still waiting, and a third was claimed but has had no answer: both are past
    // the target, unanswered, and the share is no longer 100 %.
    let (_, _waiting, _) = waiting_conversation(&api, &shop, "Hello? Anyone?").await?;
    let (claimed, _claimed_socket, _) = waiting_conversation(&api, &shop, "Is anyone there?").await?;
    claim(&mut desk, &claimed).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, _, body) = api.get(&format!("/api/shops/{shop}/metrics"), Some(&ana.cookie)).await?;
    ensure!(status == 200, "metrics answered {status}: {body}");
    ensure!(to_the_millisecond(&serde_json::from_str(&body)?), "every figure to the millisecond: {body}");
    let report: MetricsReport = serde_json::from_str(&body)?;
    let share = report.within_target_percent.context("a share within the target")?;
    ensure!((33.0..33.5).contains(&share), "two of three missed: {report:?}");
    ensure!(report.waiting_past_target == 2 && report.waiting_now == 2, "two unanswered: {report:?}");
    let oldest = report.oldest_wait_seconds.context("the oldest wait")?;
    ensure!((1.5..60.0).contains(&oldest), "waited over 1.5 s: {oldest}");
    let daily_misses: u64 = report.by_day.iter().map(|day| day.waiting_past_target).sum();
    ensure!(daily_misses == 2, "the misses are on their day: {:?}", report.by_day);
    Ok(())
}

async fn the_report_has_each_day_of_its_window(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner")]).await?;
    let ana = login(&api, &shop, "ana").await?;
    let mut desk = api.socket("/api/desk/ws", Some(&ana.cookie)).await?;
    resolved_conversation(&api, &shop, &ana, &mut desk, "Do you ship abroad?").await?;
    let report = eventually_within(Duration::from_secs(10), "the first response in the metrics", || async {
        let report = metrics(&api, &shop, &ana).await?;
        Ok((report.frt_seconds.count == 1 && report.resolution_seconds.count == 1).then_some(report))
    })
    .await?;
    // The default window, 7 days up to now, touches 8 UTC days (7 whole ones if now is midnight).
    let days: Vec<u64> = report.by_day.iter().map(|day| day.day.0).collect();
    ensure!((7..=8).contains(&days.len()), "each day of the window: {days:?}");
    ensure!(days.iter().all(|day| day % DAY_MILLIS == 0), "UTC midnights: {days:?}");
    ensure!(days.windows(2).all(|pair| pair[1] - pair[0] == DAY_MILLIS), "one after another: {days:?}");
    let today = report.by_day.last().context("today")?;
    ensure!(today.frt_seconds.count == 1 && today.resolved == 1, "today's figures: {today:?}");
    ensure!(today.frt_seconds.median.is_some() && today.frt_seconds.p90.is_some(), "median and p90: {today:?}");
    ensure!(report.by_day.iter().rev().skip(1).all(|day| day.frt_seconds.count == 0), "earlier days are empty");

    // A window asked for: three whole days ending today's midnight.
    let midnight = today.day.0;
    let path = format!("/api/shops/{shop}/metrics?from={}&to={midnight}", midnight - 3 * DAY_MILLIS);
    let (status, _, body) = api.get(&path, Some(&ana.cookie)).await?;
    ensure!(status == 200, "a window answered {status}: {body}");
    let three: MetricsReport = serde_json::from_str(&body)?;
    let days: Vec<u64> = three.by_day.iter().map(|day| day.day.0).collect();
    ensure!(days == [midnight - 3 * DAY_MILLIS, midnight - 2 * DAY_MILLIS, midnight - DAY_MILLIS], "{days:?}");
    Ok(())
}

/// The CSV's rows, each split into cells the way RFC 4180 reads them.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    ensure!(!quoted && cell.is_empty() && row.is_empty(), "the CSV ends with a whole row: {text:?}");
    Ok(rows)
}

async fn owners_export_the_metrics_and_the_conversations_as_csv(env: Arc<Env>) -> Result<()> {
    let api = Api::new(&env.origin);
    // An agent whose e-mail a spreadsheet would run as a formula, with a comma and quotes.
    let formula = "=hyperlink(\"x\",y)";
    let shop = seed(&api, &env, "", json!({}), &[("ana", "owner"), (formula, "agent")]).await?;
    let (ana, eve) = (login(&api, &shop, "ana").await?, login(&api, &shop, formula).await?);
    let mut desk = api.socket("/api/desk/ws", Some(&eve.cookie)).await?;
    let (id, mut shopper, _) = resolved_conversation(&api, &shop, &eve, &mut desk, "Gift wrap?").await?;
    shopper.send(&rate(5, None)).await?;
    conversation_where(&mut shopper, |c| c.rating.is_some()).await?;
    let (waiting, _socket, _) = waiting_conversation(&api, &shop, "=1+1, \"hi\"").await?;

    // Exports are throttled, so wait for the rating where asking is free.
    eventually_within(Duration::from_secs(10), "the rating in the metrics", || async {
        Ok((metrics(&api, &shop, &ana).await?.csat.count == 1).then_some(()))
    })
    .await?;

    let export = |name: &'static str| format!("/api/shops/{shop}/exports/{name}");
    let (status, headers, body) = api.get(&export("conversations.csv"), Some(&ana.cookie)).await?;
    ensure!(status == 200, "the conversations export answered {status}: {body}");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    ensure!(header("content-type") == "text/csv; charset=utf-8", "{headers:?}");
    let disposition = header("content-disposition");
    ensure!(
        disposition.starts_with(&format!("attachment; filename=\"parley-{shop}-"))
            && disposition.ends_with("-conversations.csv\""),
        "{disposition}"
    );
    let rows = parse_csv(&body)?;
    ensure!(
        rows.first().map(Vec::as_slice)
            == Some(
                &[
                    "conversation_id",
                    "cycle",
                    "started_at",
                    "first_response_at",
                    "first_response_seconds",
                    "agent",
                    "resolved_at",
                    "resolved_by",
                    "rating",
                    "status"
                ]
                .map(String::from)[..]
            ),
        "the header: {body}"
    );
    ensure!(rows.iter().all(|row| row.len() == 10), "every row has every column: {body}");
    let eve_email = agent_email(&shop, formula);
    let resolved = rows.iter().find(|row| row[0] == id.as_str()).context("the resolved conversation")?;
    ensure!(
        resolved[1] == "1"
            && resolved[5] == format!("'{eve_email}")
            && resolved[7] == resolved[5]
            && resolved[8] == "5"
            && resolved[9] == "resolved",
        "answered and resolved by the agent, the formula neutralised: {resolved:?}"
    );
    ensure!(body.contains(&format!("\"'{}\"", eve_email.replace('"', "\"\""))), "quoted on the wire: {body}");
    let unanswered = rows.iter().find(|row| row[0] == waiting.as_str()).context("the waiting conversation")?;
    ensure!(unanswered[3].is_empty() && unanswered[9] == "waiting", "{unanswered:?}");
    ensure!(!body.contains("1+1"), "no shopper text is exported: {body}");

    let (status, headers, body) = api.get(&export("metrics.csv"), Some(&ana.cookie)).await?;
    ensure!(status == 200, "the metrics export answered {status}: {body}");
    ensure!(headers.get("content-type").is_some_and(|v| v == "text/csv; charset=utf-8"), "{headers:?}");
    let rows = parse_csv(&body)?;
    ensure!(rows.first().is_some_and(|header| header[0] == "day" && header.len() == 10), "{body}");
    let total = rows.last().context("the total")?;
    ensure!(total[0] == "total" && total[1] == "1" && total[7] == "1" && total[9] == "100", "{body}");

    // Agents may not export; nor may anyone signed out; an unknown export is not found.
    for name in ["metrics.csv", "conversations.csv"] {
        let (status, _, body) = api.get(&export(name), Some(&eve.cookie)).await?;
        ensure!(status == 403 && api_error(&body)?.code == ErrorCode::Forbidden, "an agent exported {name}: {status}");
        let (status, _, _) = api.get(&export(name), None).await?;
        ensure!(status == 401, "signed out, {name}: {status}");
    }
    let (status, _, _) = api.get(&export("secrets.csv"), Some(&ana.cookie)).await?;
    ensure!(status == 404, "an unknown export: {status}");
    let (status, _, body) = api.get(&format!("{}?from=10&to=5", export("metrics.csv")), Some(&ana.cookie)).await?;
    ensure!(status == 400, "a reversed window: {status} {body}");

    // Throttled: a few exports a minute per shop.
    let mut refused = None;
    for _ in 0..12 {
        let (status, headers, _) = api.get(&export("metrics.csv"), Some(&ana.cookie)).await?;
        if status == 429 {
            refused = Some(headers);
            break;
        }
    }
    let refused = refused.context("exports are throttled")?;
    ensure!(refused.contains_key("retry-after"), "a refusal says when to try again: {refused:?}");
    Ok(())
}
