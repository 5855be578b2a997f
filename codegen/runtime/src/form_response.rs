//! Success bodies sent as `application/x-www-form-urlencoded`, read into the documented type by
//! [`super::form`]. Copied only into crates whose operations answer with a form.

use serde::de::DeserializeOwned;

use super::error::{DecodeError, Error, snippet};
use super::response::{RawResponse, Response};

/// Reads the form body of a success response of `operation` as `T`; a field that does not read as its
/// member's type is an [`Error::Decode`] with its path.
pub fn decode_form<T: DeserializeOwned, E>(
    operation: &'static str,
    response: RawResponse,
) -> Result<Response<T>, Error<E>> {
    let (status, correlation_id) = (response.status(), response.correlation_id());
    let response = response.bytes::<E>()?;
    match super::form::from_form::<T>(response.value()) {
        Ok(value) => Ok(response.map(|_| value)),
        Err(err) => {
            let text = String::from_utf8_lossy(response.value());
            // The field that failed, where it is first given; the start of the body for the whole of it.
            let name = err.path.trim_start_matches('.').split(['.', '[']).next().unwrap_or_default();
            let at = (!name.is_empty()).then(|| text.find(&format!("{name}="))).flatten().unwrap_or(0);
            Err(Error::Decode(Box::new(DecodeError {
                operation,
                status,
                path: err.path,
                message: err.message,
                snippet: snippet(&text, at + 40, 80),
                correlation_id,
            })))
        }
    }
}
