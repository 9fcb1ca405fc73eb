//! The few engine calls on JS values that the binding makes by hand: where
//! reading an argument must look inside an object (the items of
//! `verifyBatch`, an `AbortSignal`). Each says whether it can run JS; a
//! caller treats every call that can as a point where anything it borrowed
//! from JS memory may have changed.

use napi::{check_status, sys, Result, ValueType};
use std::ffi::CStr;
use std::ptr;

/// The JS type of `value`. Runs no JS.
///
/// # Safety
///
/// `env` and `value` must be live handles of the current call.
pub unsafe fn type_of(env: sys::napi_env, value: sys::napi_value) -> Result<ValueType> {
    let mut kind = 0;
    // SAFETY: `env` and `value` are live (the caller's contract).
    check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(ValueType::from(kind))
}

/// Property `name` of `object`; may run JS (a getter or a proxy trap), whose
/// exception stays pending and is what the call throws.
///
/// # Safety
///
/// `env` and `object` must be live handles of the current call, `object` a
/// JS object.
pub unsafe fn property(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &CStr,
) -> Result<sys::napi_value> {
    let mut value = ptr::null_mut();
    // SAFETY: `object` is a live JS object, `name` a NUL-terminated string.
    check_status!(unsafe { sys::napi_get_named_property(env, object, name.as_ptr(), &mut value) })?;
    Ok(value)
}

/// Whether `object` has property `name`, own or inherited (JS's `in`); may
/// run a proxy's `has` trap.
///
/// # Safety
///
/// As for [`property`].
pub unsafe fn has_property(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &CStr,
) -> Result<bool> {
    let mut has = false;
    // SAFETY: `object` is a live JS object, `name` a NUL-terminated string.
    check_status!(unsafe { sys::napi_has_named_property(env, object, name.as_ptr(), &mut has) })?;
    Ok(has)
}

/// Calls `function` with `this` and `args`; runs JS, whose exception stays
/// pending.
///
/// # Safety
///
/// `env` and every handle must be live handles of the current call,
/// `function` a JS function.
pub unsafe fn call(
    env: sys::napi_env,
    this: sys::napi_value,
    function: sys::napi_value,
    args: &[sys::napi_value],
) -> Result<()> {
    let mut result = ptr::null_mut();
    // SAFETY: live handles (the caller's contract); `args` is read for
    // exactly its length.
    check_status!(unsafe {
        sys::napi_call_function(env, this, function, args.len(), args.as_ptr(), &mut result)
    })?;
    Ok(())
}

/// Clears the exception JS left pending, if any, so that the current engine
/// callback can carry on (used where a failure of user JS must not stop the
/// addon from settling its promise).
///
/// # Safety
///
/// `env` must be the live environment of the current callback.
pub unsafe fn clear_exception(env: sys::napi_env) {
    let mut pending = false;
    // SAFETY: `env` is live; both calls are allowed with an exception pending.
    if unsafe { sys::napi_is_exception_pending(env, &mut pending) } == sys::Status::napi_ok
        && pending
    {
        let mut exception = ptr::null_mut();
        // SAFETY: as above.
        unsafe { sys::napi_get_and_clear_last_exception(env, &mut exception) };
    }
}
