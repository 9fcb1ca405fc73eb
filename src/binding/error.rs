//! The one place where core errors become JS errors.

use crate::core::error::{CryptoError, KeyError};
use crate::core::session_map::SessionMapError;
use crate::core::signature_batch::BatchError;
use crate::core::worker_credentials::WorkerConfigError;
use napi::{Env, Error, Status};

/// Converts a core error into a JS `Error`: malformed input is `InvalidArg`,
/// a failed operation `GenericFailure`. The message is the core's, which never
/// contains input bytes.
pub fn to_js(err: CryptoError) -> Error {
    let status = match err {
        CryptoError::Key(_)
        | CryptoError::InvalidVerifyingKey
        | CryptoError::NonCanonicalPublicKey
        | CryptoError::SealedTooShort { .. } => Status::InvalidArg,
        _ => Status::GenericFailure,
    };
    Error::new(status, err.to_string())
}

/// `?`-friendly conversion of core results for the bindings.
pub trait OrThrow<T> {
    /// Maps the error to a JS error with [`to_js`].
    fn or_throw(self) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Result<T, CryptoError> {
    fn or_throw(self) -> napi::Result<T> {
        self.map_err(to_js)
    }
}

impl<T> OrThrow<T> for Result<T, KeyError> {
    fn or_throw(self) -> napi::Result<T> {
        self.map_err(|e| to_js(e.into()))
    }
}

impl<T> OrThrow<T> for Result<T, BatchError> {
    fn or_throw(self) -> napi::Result<T> {
        // Every batch error is an unusable item: malformed input.
        self.map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
    }
}

impl<T> OrThrow<T> for Result<T, WorkerConfigError> {
    /// Invalid or missing worker credentials are `InvalidArg`; using a closed
    /// handle is `GenericFailure`. Messages name the variable, never the value.
    fn or_throw(self) -> napi::Result<T> {
        self.map_err(|err| {
            let status = match err {
                WorkerConfigError::Closed => Status::GenericFailure,
                _ => Status::InvalidArg,
            };
            Error::new(status, err.to_string())
        })
    }
}

/// Converts a `SessionMap` error into a JS `Error`. Input the reference also
/// rejects keeps its `GenericFailure` code; input only we reject (ids, keys and
/// signatures we parse up front) is `InvalidArg`. The message is the core's.
pub fn session_map_to_js(err: SessionMapError) -> Error {
    let status = match err {
        SessionMapError::Key(_) | SessionMapError::Crypto(_) | SessionMapError::Id { .. } => {
            Status::InvalidArg
        }
        _ => Status::GenericFailure,
    };
    Error::new(status, err.to_string())
}

impl<T> OrThrow<T> for Result<T, SessionMapError> {
    fn or_throw(self) -> napi::Result<T> {
        self.map_err(session_map_to_js)
    }
}

/// The error of a `SessionMap` method that would change the map, called
/// from JS that runs inside another call on the same map (a setter on
/// `Array.prototype` while a result is filled): `GenericFailure`, and the
/// map is unchanged.
pub fn session_map_busy() -> Error {
    Error::new(
        Status::GenericFailure,
        "SessionMap is busy: it cannot be changed from inside one of its own calls",
    )
}

/// Throws a JS `RangeError` (code `ERR_OUT_OF_RANGE`) and returns the error
/// that tells napi an exception is already pending.
pub fn range_error(env: &Env, message: &str) -> Error {
    pending(env.throw_range_error(message, Some("ERR_OUT_OF_RANGE")))
}

/// Throws a JS `TypeError` (code `ERR_INVALID_ARG_TYPE`) for an argument of
/// the wrong type and returns the error that tells napi it is pending.
pub fn type_error(env: &Env, message: &str) -> Error {
    pending(env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")))
}

/// Throws V8's `TypeError` for a class called without `new`
/// (`Class constructor SessionMap cannot be invoked without 'new'`, code
/// `ERR_CONSTRUCT_CALL_REQUIRED` as Node names it) and returns the error that
/// tells napi it is pending.
pub fn construct_call_required(env: &Env, class_name: &str) -> Error {
    let message = format!("Class constructor {class_name} cannot be invoked without 'new'");
    pending(env.throw_type_error(&message, Some("ERR_CONSTRUCT_CALL_REQUIRED")))
}

/// The error to return after throwing: "already pending", or why the throw
/// itself failed.
fn pending(thrown: napi::Result<()>) -> Error {
    match thrown {
        Ok(()) => Error::from_status(Status::PendingException),
        Err(e) => e,
    }
}

/// Converts a `SessionLog` error into a JS `Error`, as [`session_map_to_js`]
/// does: input only we reject up front (ids, keys, signatures) is
/// `InvalidArg`, everything else keeps the reference's `GenericFailure`.
pub fn session_log_to_js(err: crate::core::staged_log::StagedLogError) -> Error {
    use crate::core::staged_log::StagedLogError;
    let status = match err {
        StagedLogError::Key(_) | StagedLogError::Crypto(_) | StagedLogError::Id { .. } => {
            Status::InvalidArg
        }
        _ => Status::GenericFailure,
    };
    Error::new(status, err.to_string())
}

impl<T> OrThrow<T> for Result<T, crate::core::staged_log::StagedLogError> {
    fn or_throw(self) -> napi::Result<T> {
        self.map_err(session_log_to_js)
    }
}
