//! Class constructors that refuse to run without `new`.
//!
//! The constructor napi-rs generates for `#[napi(constructor)]` runs for a
//! plain call too: `Blake3Hasher()` wraps whatever `this` is (the exports
//! object, another instance) and returns it. A JS class throws a `TypeError`
//! instead, and only the constructor's callback can tell the two calls apart
//! (`napi_get_new_target`); the generated one does not ask, and it gives the
//! Rust function no access to the callback info.
//!
//! So each class registers its own callback, [`construct`], which asks
//! first, before converting any argument (and so before any getter of an
//! options object runs), exactly where V8 checks a JS class. The callback is
//! named `new_c_callback` and sits in the class's module:
//!
//! ```ignore
//! #[napi]
//! impl Blake3Hasher {
//!     /// A hasher that has seen nothing.
//!     #[napi(constructor)]
//!     #[cfg(any())] // declares the constructor for index.d.ts only
//!     pub fn new() -> Self { … }
//! }
//!
//! extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
//!     constructor::construct::<Blake3Hasher, 0>(env, info, "Blake3Hasher", |_, _| Ok(Blake3Hasher::default()))
//! }
//! ```
//!
//! How this fits napi-derive (pinned to 3.6.2 with napi-derive-backend
//! 6.1.1, see Cargo.toml): the attribute macro reads the `#[napi(constructor)]`
//! declaration (its doc comment and argument types give the `constructor(…)`
//! line of `index.d.ts`) and registers the class constructor by the name
//! `new_c_callback`, from a module that imports this module's items. The
//! generated function of that name carries the declaration's attributes, so
//! `#[cfg(any())]` compiles it out together with the declaration, and the
//! name resolves to the function written here. Should a napi-derive update
//! change any of this, it shows: a generated callback that is compiled calls
//! the compiled-out `new` (a build error), one that is not registered leaves
//! `new_c_callback` unused (a clippy error) and the class without a
//! constructor (the tests fail, `index.d.ts` changes). It cannot silently go
//! back to the unchecked constructor.
//!
//! `__test__/coercion.test.mjs` calls every exported class without `new`,
//! through `index.js` and through the `.node` file loaded directly.

use crate::binding::error::construct_call_required;
use napi::bindgen_prelude::{
    panic_to_error, CallbackInfo, FromNapiValue, JsError, MaybeTypeTag, ObjectFinalize,
};
use napi::{sys, Env, Error, Result, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The constructor callback of class `class_name`: throws V8's `TypeError`
/// when called without `new`, else builds the instance with `make` (from
/// the call's arguments) and wraps `this` with it. Never unwinds into the
/// engine: a panic becomes a JS error.
///
/// # Safety
///
/// `env` and `info` must be the arguments the engine passed to a class
/// constructor callback.
pub(crate) unsafe fn construct<T, const ARGS: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    class_name: &'static str,
    make: impl FnOnce(&Env, &CallbackInfo<ARGS>) -> Result<T>,
) -> sys::napi_value
where
    T: ObjectFinalize + MaybeTypeTag + 'static,
{
    // napi-rs itself calls the constructor (with `new`) to make the object
    // for an instance a method returns (`clone()`, `cryptoEngine()`); it sets
    // this flag and wraps the object afterwards, so there is nothing to do.
    if napi::__private::___CALL_FROM_FACTORY.with(|flag| flag.get()) {
        return ptr::null_mut();
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller passes this callback's own `env` and `info`.
        unsafe { require_new(env, info, class_name) }?;
        let call = CallbackInfo::<ARGS>::new(env, info, None, false)?;
        let instance = make(&Env::from(env), &call)?;
        call.construct::<false, T>(class_name, instance)
    }))
    .map_err(panic_to_error)
    .and_then(|built| built);
    result.unwrap_or_else(|error| {
        // SAFETY: `env` is the current call's; a pending exception is kept.
        unsafe { JsError::from(error).throw_into(env) };
        ptr::null_mut()
    })
}

/// Argument `index` of a constructor call, converted as napi-rs converts a
/// parameter of that type (missing arguments are `undefined`).
pub(crate) fn arg<T: FromNapiValue, const ARGS: usize>(
    env: &Env,
    call: &CallbackInfo<ARGS>,
    index: usize,
) -> Result<T> {
    if index >= ARGS {
        return Err(Error::new(
            Status::GenericFailure,
            "constructor argument index out of bounds",
        ));
    }
    // SAFETY: a value of the current call, read in its own scope.
    unsafe { T::from_napi_value(env.raw(), call.get_arg(index)) }
}

/// Throws `TypeError: Class constructor X cannot be invoked without 'new'`
/// (V8's message; Node's code `ERR_CONSTRUCT_CALL_REQUIRED`) unless the
/// call is a construct call: `new X()`, `Reflect.construct`, or `super()` in
/// a subclass.
///
/// # Safety
///
/// `env` and `info` must be those of the current callback.
unsafe fn require_new(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    class_name: &str,
) -> Result<()> {
    let mut new_target = ptr::null_mut();
    // SAFETY: the caller's `env` and `info`; the engine writes one value.
    let status = unsafe { sys::napi_get_new_target(env, info, &mut new_target) };
    if status != sys::Status::napi_ok {
        return Err(Error::new(
            Status::GenericFailure,
            "could not tell whether the constructor was called with new",
        ));
    }
    // Node-API gives NULL for a plain call. A runtime that gave `undefined`
    // instead is caught too: in a construct call `new.target` is a function.
    let mut kind = sys::ValueType::napi_undefined;
    let is_function = !new_target.is_null()
        // SAFETY: as above; `new_target` is a value of this call.
        && unsafe { sys::napi_typeof(env, new_target, &mut kind) } == sys::Status::napi_ok
        && kind == sys::ValueType::napi_function;
    if is_function {
        Ok(())
    } else {
        Err(construct_call_required(&Env::from(env), class_name))
    }
}
