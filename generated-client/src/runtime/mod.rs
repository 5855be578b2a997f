// @generated: copied by genesys-audit-codegen from its runtime/mod.rs: edit that file, then run `cargo xtask codegen`.
//! The hand-written runtime every generated operation calls into: the [`Client`] and its configuration
//! (credentials, retries, timeouts), [`Request`], [`Response`], [`Error`], and the generic machinery of
//! pagination and waiting. It knows nothing of particular operations.

mod auth;
mod client;
mod error;
mod multipart;
mod object;
pub mod paginate;
mod request;
mod response;
mod retry;
mod tagged;
mod value;
pub mod wait;

pub use auth::AuthError;
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error};
pub use multipart::Multipart;
pub use object::{MemberName, member, optional, required, unknown_member};
pub use request::{Request, TemplatePart};
pub use response::{CORRELATION_ID_HEADER, RawResponse, Response, body_of, decode_json_body};
pub use retry::RetryPolicy;
pub use tagged::{from_json, serialize_tagged, tag_of};
pub use value::{ParamValue, UnrecognizedValue, deserialize_str};
pub use wait::WaitOptions;
