//! Small HTTP helpers shared by the router and the Durable Objects: JSON in, JSON out,
//! cookies and common headers.

use parley_core::locale::Locale;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Headers, Request, Response, Url};

use crate::error::{EdgeError, EdgeResult};
use parley_core::protocol::{ApiError, ErrorCode};

/// The largest JSON body the API reads.
const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON response with `status`, never cached.
pub fn json<T: Serialize>(value: &T, status: u16) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(serde_json::to_string(value)?)?.with_status(status).with_headers(headers))
}

/// A CSV file to download as `filename`, never cached: exports hold the shop's records.
pub fn csv_attachment(csv: String, filename: &str) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set("content-disposition", &format!("attachment; filename=\"{filename}\""))?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::ok(csv)?.with_headers(headers))
}

/// Refuses a body that does not say it is JSON. A page of another site can post a form or a
/// `text/plain` body without asking; only a script of the edge's own origin can send
/// `application/json` with an agent's cookie.
pub fn require_json(req: &Request) -> EdgeResult<()> {
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(EdgeError::api(ErrorCode::BadRequest, "send JSON bodies with content-type: application/json"))
    }
}

/// Reads a JSON body, refusing one not sent as `application/json`, and oversized or malformed
/// ones, with a client error that says why.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> EdgeResult<T> {
    require_json(req)?;
    let bytes = req.bytes().await.map_err(|_| EdgeError::api(ErrorCode::BadRequest, "could not read the body"))?;
    if bytes.len() > MAX_JSON_BODY {
        return Err(EdgeError::api(ErrorCode::TooLarge, format!("the body is over {MAX_JSON_BODY} bytes")));
    }
    // The refusal names the field it is about, so a form can show it there.
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let refusal = ApiError::new(ErrorCode::BadRequest, format!("invalid JSON body: {}", error.inner()));
        EdgeError::Api(if path == "." { refusal } else { refusal.about(&path) })
    })?;
    reader.end().map_err(|e| EdgeError::api(ErrorCode::BadRequest, format!("invalid JSON body: {e}")))?;
    Ok(value)
}

/// The value of cookie `name` in the request, if any.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The language to speak to a shopper in: the `lang` query parameter (the loader's list, from the
/// embed tag, the shop page or the browser), else the browser's `Accept-Language`.
pub fn shopper_locale(req: &Request, url: &Url) -> Locale {
    let asked = url.query_pairs().find(|(key, _)| key == "lang").map(|(_, value)| value.into_owned());
    let preferences = asked.or_else(|| req.headers().get("accept-language").ok().flatten()).unwrap_or_default();
    Locale::negotiate(&preferences)
}

/// Whether the request asks to become a WebSocket.
pub fn is_websocket_upgrade(req: &Request) -> bool {
    req.headers().get("upgrade").ok().flatten().is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// HSTS's lifetime: a year, as browsers' preload lists ask.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Headers every answer carries: no content sniffing (a JSON or text answer must never run as
/// a page or a script), and over HTTPS, HSTS. WebSocket upgrades carry no body and are left
/// alone.
pub fn harden(response: Response, https: bool) -> worker::Result<Response> {
    if response.status_code() == 101 {
        return Ok(response);
    }
    let headers = response.headers().clone();
    headers.set("x-content-type-options", "nosniff")?;
    if https {
        headers.set("strict-transport-security", HSTS)?;
    }
    Ok(response.with_headers(headers))
}
