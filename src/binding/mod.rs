//! The Node-API surface. Each file binds one area of [`crate::core`]: it
//! converts JS values, calls the core and maps errors through [`error`].
//! Every export catches panics, so no input can abort the process.

// napi-derive registers exports only in non-test builds; in a test build the
// exported functions look unused.
#![cfg_attr(test, allow(dead_code))]

mod abort_signal;
mod batch;
mod batch_arg;
mod bytes;
mod constructor;
mod data_object;
mod deferred_arg;
mod encryption;
mod error;
mod hashing;
mod inline_text;
mod js_object;
mod native_crypto;
mod number_arg;
mod off_thread;
mod promise;
mod sealing;
mod session_log;
mod session_map;
mod signing;
mod text_arg;
mod text_kind;
mod text_list_arg;
mod work_stats;
mod worker;
