//! Waiting for something the edge or a browser does in its own time: polling until it is so,
//! within a limit.

use std::time::Duration;

use anyhow::{anyhow, Result};

/// Polls `check` until it yields a value or `limit` passes; a check that fails counts as not
/// yet, and the last failure is told if none succeeds.
pub(crate) async fn eventually_within<T, F, Fut>(limit: Duration, what: &str, check: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    let mut last_error = None;
    while tokio::time::Instant::now() < deadline {
        match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let last_error = last_error.map(|error| format!("{error:#}"));
    Err(anyhow!("gave up waiting for {what} (last error: {last_error:?})"))
}
