//! The hand-written runtime every generated operation calls into: the [`Client`] and its configuration,
//! [`Request`], [`Response`] and [`Error`]. It knows nothing of particular operations.

mod client;
mod error;
mod request;
mod response;
mod value;

pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error};
pub use request::Request;
pub use response::{CORRELATION_ID_HEADER, RawResponse, Response};
pub use value::{ParamValue, UnrecognizedValue, deserialize_str};
