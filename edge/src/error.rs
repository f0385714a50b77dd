//! The edge's one error type, and the one place it becomes an HTTP response.
//!
//! Clients see an `ApiError` JSON body with a status; internal failures are logged with
//! their detail and answered with a generic message, so no internals leak.

use parley_core::protocol::{ApiError, ErrorCode};
use wasm_bindgen::JsValue;
use worker::Response;

#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// A refusal meant for the client, shown as is.
    #[error("{0:?}")]
    Api(ApiError),
    /// Something the edge waited for took too long: logged, shown as an internal error.
    #[error("{what} took longer than {limit:?}")]
    TimedOut { what: &'static str, limit: std::time::Duration },
    /// Anything else: logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl EdgeError {
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Api(ApiError::new(code, message))
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }

    pub fn from_js(value: JsValue) -> Self {
        Self::Internal(format!("{value:?}"))
    }

    pub fn not_found() -> Self {
        Self::api(ErrorCode::NotFound, "no such resource")
    }

    pub fn unauthorized() -> Self {
        Self::api(ErrorCode::Unauthorized, "sign in first")
    }

    /// What the client may see of this error.
    pub fn to_api(&self) -> ApiError {
        match self {
            EdgeError::Api(error) => error.clone(),
            EdgeError::TimedOut { .. } | EdgeError::Internal(_) => {
                worker::console_error!("internal error: {self}");
                ApiError::new(ErrorCode::Internal, "something went wrong on our side; please try again")
            }
        }
    }

    /// The HTTP response for this error: status from the code, `ApiError` JSON body.
    pub fn into_response(self) -> worker::Result<Response> {
        let error = self.to_api();
        let response = crate::http::json(&error, error.code.http_status())?;
        if let Some(seconds) = error.retry_after_seconds {
            response.headers().set("retry-after", &seconds.to_string())?;
        }
        Ok(response)
    }
}

impl From<worker::Error> for EdgeError {
    fn from(error: worker::Error) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<ApiError> for EdgeError {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

pub type EdgeResult<T> = Result<T, EdgeError>;

impl From<parley_core::error::IdError> for EdgeError {
    fn from(error: parley_core::error::IdError) -> Self {
        Self::Api(error.into())
    }
}

impl From<worker::url::ParseError> for EdgeError {
    fn from(error: worker::url::ParseError) -> Self {
        Self::Internal(error.to_string())
    }
}
