//! The built static files (`cargo xtask build` puts them in `target/dist`): the loader at
//! `/widget.js` and the apps' bundles under `/assets/{app}-{hash}/`, served pre-compressed.
//!
//! Workers' static assets would serve these by themselves, but neither pre-compressed nor
//! with a caching policy per kind, so wrangler.toml sends these paths to the Worker first and
//! this module reads the files through the `ASSETS` binding. A bundle's folder is named by a
//! hash of its content, so its files never change and browsers may keep them a year; the
//! loader's URL is the one shops embed, so it is cached for minutes only.

use worker::{EncodeBody, Env, Headers, Request, Response, ResponseBuilder};

use crate::error::{EdgeError, EdgeResult};

/// How long browsers and proxies keep the loader: short, so a fix reaches every shop soon.
const LOADER_CACHE: &str = "public, max-age=300";
/// Bundles are immutable under their content-hashed names.
const BUNDLE_CACHE: &str = "public, max-age=31536000, immutable";

/// The loader or a bundle file at `path`, gzipped when the client accepts it.
pub async fn serve(req: &Request, env: &Env, path: &str) -> EdgeResult<Response> {
    let content_type = content_type(path).ok_or_else(EdgeError::not_found)?;
    let cache = if path.starts_with("/assets/") { BUNDLE_CACHE } else { LOADER_CACHE };
    let accepts_gzip = req
        .headers()
        .get("accept-encoding")?
        .is_some_and(|accepted| accepted.split(',').any(|coding| coding.trim().starts_with("gzip")));
    let file = if accepts_gzip { format!("{path}.gz") } else { path.to_owned() };
    let found = env.assets("ASSETS")?.fetch(format!("https://assets.invalid{file}"), None).await?;
    if found.status_code() != 200 {
        return Err(EdgeError::not_found());
    }
    let headers = Headers::new();
    headers.set("content-type", content_type)?;
    headers.set("cache-control", cache)?;
    headers.set("vary", "accept-encoding")?;
    headers.set("x-content-type-options", "nosniff")?;
    let mut response = ResponseBuilder::new().with_headers(headers);
    if accepts_gzip {
        // The bytes are gzip already: the runtime must send them as they are.
        response = response.with_header("content-encoding", "gzip")?.with_encode_body(EncodeBody::Manual);
    }
    // The file's body streams through; the Worker never holds it.
    Ok(response.body(found.body().clone()))
}

fn content_type(path: &str) -> Option<&'static str> {
    match path.rsplit_once('.')?.1 {
        "js" => Some("text/javascript; charset=utf-8"),
        "wasm" => Some("application/wasm"),
        "css" => Some("text/css; charset=utf-8"),
        _ => None,
    }
}
