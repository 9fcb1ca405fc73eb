//! The optional last argument of the `*Async` exports: `signal`, an
//! `AbortSignal` (or `undefined` / `null` for none).
//!
//! napi-rs's own `AbortSignal` argument serves only its libuv `AsyncTask`s
//! (it cancels the `napi_async_work`), replaces the signal's `onabort`, and
//! misses a signal that was aborted before the call; so the signal is read
//! here. It is checked as Node checks one (an object with an `aborted`
//! property) and must have `addEventListener` and `removeEventListener`
//! functions, else the call throws a `TypeError` (code
//! `ERR_INVALID_ARG_TYPE`). Looking at it can run JS (getters, proxy traps,
//! the listener methods), so [`SignalArg`] only keeps the handle, and the
//! `*Async` exports look at it after every other argument is copied.
//!
//! An abort rejects the promise with an `AbortError` as Node's own
//! promise APIs make it: name `AbortError`, code `ABORT_ERR`, message
//! `The operation was aborted`, `cause` the signal's `reason`.

use crate::binding::error::type_error;
use crate::binding::js_object::{call, clear_exception, has_property, property, type_of};
use napi::bindgen_prelude::{
    FromNapiValue, JsObjectValue, JsValue, Object, ObjectRef, TypeName, Unknown,
};
use napi::{sys, Env, Error, JsError, Result, Status, ValueType};
use std::ptr;

/// The message of the `TypeError` for a `signal` that is no `AbortSignal`.
const NOT_A_SIGNAL: &str = "The \"signal\" argument must be an instance of AbortSignal";

/// The message of the `AbortError`.
const ABORTED: &str = "The operation was aborted";

/// `signal` as passed (`undefined` and `null` arrive as `None`): the handle
/// only. Converting it runs no JS; [`Signal::check`] looks at it later.
pub struct SignalArg(sys::napi_value);

impl TypeName for SignalArg {
    fn type_name() -> &'static str {
        "AbortSignal"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl FromNapiValue for SignalArg {
    unsafe fn from_napi_value(_env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(Self(value))
    }
}

/// A `signal` that passed the check, during the call that received it.
pub struct Signal<'env> {
    env: &'env Env,
    object: sys::napi_value,
    add: sys::napi_value,
    remove: sys::napi_value,
}

impl<'env> Signal<'env> {
    /// Checks `signal`, received by the current call in `env`. Runs JS
    /// (property reads); throws the `TypeError` for anything that is not
    /// shaped like an `AbortSignal`.
    pub fn check(env: &'env Env, signal: SignalArg) -> Result<Self> {
        let raw = env.raw();
        let object = signal.0;
        // SAFETY (these blocks): `object` is an argument of the current call
        // and `env` its environment; each handle read is checked before use.
        if unsafe { type_of(raw, object) }? != ValueType::Object
            || !unsafe { has_property(raw, object, c"aborted") }?
        {
            return Err(type_error(env, NOT_A_SIGNAL));
        }
        let add = unsafe { property(raw, object, c"addEventListener") }?;
        let remove = unsafe { property(raw, object, c"removeEventListener") }?;
        if unsafe { type_of(raw, add) }? != ValueType::Function
            || unsafe { type_of(raw, remove) }? != ValueType::Function
        {
            return Err(type_error(env, NOT_A_SIGNAL));
        }
        Ok(Self {
            env,
            object,
            add,
            remove,
        })
    }

    /// Whether `signal.aborted` is truthy now; may run a getter.
    pub fn is_aborted(&self) -> Result<bool> {
        let raw = self.env.raw();
        // SAFETY: live handles of the current call; `ToBoolean` runs no JS.
        unsafe {
            let aborted = property(raw, self.object, c"aborted")?;
            let mut truthy = ptr::null_mut();
            napi::check_status!(sys::napi_coerce_to_bool(raw, aborted, &mut truthy))?;
            bool::from_napi_value(raw, truthy)
        }
    }

    /// The `AbortError` for this signal now.
    pub fn abort_error(&self) -> Error {
        abort_error(self.env, self.object)
    }

    /// Adds a listener for the signal's `abort` event (`{ once: true }`)
    /// that calls `on_abort`, and returns what removes it. May call
    /// `on_abort` before it returns, if adding the listener aborts the
    /// signal.
    pub fn subscribe(self, on_abort: impl Fn(&Env) + 'static) -> Result<Subscription> {
        let env = self.env;
        let listener =
            env.create_function_from_closure::<Unknown, (), _>("onAbort", move |call| {
                on_abort(call.env);
                // Nothing a failed step of the abort left pending may escape
                // into the signal's event dispatch.
                // SAFETY: the environment of this callback.
                unsafe { clear_exception(call.env.raw()) };
                Ok(())
            })?;
        let mut options = Object::new(env)?;
        options.set_named_property("once", true)?;
        let event = env.create_string("abort")?;
        let raw = env.raw();
        // SAFETY: live handles of the current call (the signal and its
        // methods were read by `check`, the rest made just now).
        let subscription = unsafe {
            Subscription {
                signal: ObjectRef::from_napi_value(raw, self.object)?,
                listener: ObjectRef::from_napi_value(raw, listener.raw())?,
                remove: ObjectRef::from_napi_value(raw, self.remove)?,
            }
        };
        let args = [event.raw(), listener.raw(), options.raw()];
        // SAFETY: `add` is a function (checked); the arguments are live.
        if let Err(error) = unsafe { call(raw, self.object, self.add, &args) } {
            subscription.release(env);
            return Err(error);
        }
        Ok(subscription)
    }
}

/// A listener added to a signal, and the references it takes to remove it.
/// They are JS-thread objects: [`Subscription::end`] and
/// [`Subscription::abort_error`] are called on the thread of the call that
/// subscribed. In between it travels with its job to a runtime thread and
/// back, which only moves the handles; if it is dropped without `end` (the
/// environment is gone), the references are left to the environment's
/// teardown, which frees them.
pub struct Subscription {
    signal: ObjectRef<false>,
    listener: ObjectRef<false>,
    remove: ObjectRef<false>,
}

impl Subscription {
    /// The `AbortError` for the signal now.
    pub fn abort_error(&self, env: &Env) -> Error {
        match self.signal.get_value(env) {
            Ok(signal) => abort_error(env, signal.raw()),
            Err(_) => fallback_abort_error(),
        }
    }

    /// Removes the listener and releases the references. A failing
    /// `removeEventListener` is ignored (its exception cleared): the
    /// operation's result still settles its promise.
    pub fn end(self, env: &Env) {
        if let (Ok(signal), Ok(listener), Ok(remove), Ok(event)) = (
            self.signal.get_value(env),
            self.listener.get_value(env),
            self.remove.get_value(env),
            env.create_string("abort"),
        ) {
            let args = [event.raw(), listener.raw()];
            // SAFETY: values of this environment's references, on its thread.
            if unsafe { call(env.raw(), signal.raw(), remove.raw(), &args) }.is_err() {
                // SAFETY: as above.
                unsafe { clear_exception(env.raw()) };
            }
        }
        self.release(env);
    }

    /// Releases the references without removing the listener.
    fn release(self, env: &Env) {
        // A failed release leaves the reference to the environment's teardown.
        let _ = self.signal.unref(env);
        let _ = self.listener.unref(env);
        let _ = self.remove.unref(env);
    }
}

/// Node's `AbortError` for `signal`: `cause` is its `reason` (undefined if
/// reading it throws). Runs JS (the `reason` getter, property sets).
fn abort_error(env: &Env, signal: sys::napi_value) -> Error {
    let raw = env.raw();
    // SAFETY: `signal` is a live handle of this environment, on its thread.
    let reason = match unsafe { property(raw, signal, c"reason") } {
        Ok(reason) => Some(reason),
        Err(_) => {
            // SAFETY: as above.
            unsafe { clear_exception(raw) };
            None
        }
    };
    // SAFETY: as above; napi-rs makes an `Error` with `code` = "ABORT_ERR".
    let value = unsafe { JsError::from(Error::new("ABORT_ERR", ABORTED)).into_value(raw) };
    let mut error = Object::from_raw(raw, value);
    let filled = error
        .set_named_property("name", "AbortError")
        .and_then(|()| match reason {
            // SAFETY: a live handle of this environment.
            Some(reason) => error
                .set_named_property("cause", unsafe { Unknown::from_raw_unchecked(raw, reason) }),
            None => error.set_named_property("cause", ()),
        });
    if filled.is_err() {
        // SAFETY: as above.
        unsafe { clear_exception(raw) };
        return fallback_abort_error();
    }
    // SAFETY: a live handle of this environment.
    let error = Error::from(unsafe { Unknown::from_raw_unchecked(raw, value) });
    // Making it read the error's text, which runs `toString`; whatever that
    // threw is not the caller's.
    // SAFETY: as above.
    unsafe { clear_exception(raw) };
    error
}

/// The error for an abort when the `AbortError` could not be made.
fn fallback_abort_error() -> Error {
    Error::new(Status::Cancelled, ABORTED)
}
