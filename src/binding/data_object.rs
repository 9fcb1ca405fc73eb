//! Objects returned to JS, built with own data properties.
//!
//! Setting a property (`obj[key] = value`, napi's `napi_set_property`) is
//! JS's [[Set]]: a key named `__proto__` changes the object's prototype
//! instead of becoming a property, and a setter someone defined on
//! `Object.prototype` for that key runs instead. `JSON.parse` makes every key
//! an own property (CreateDataProperty). [`DataObject`] does the same with
//! `napi_define_properties` and data descriptors that are writable,
//! enumerable and configurable (Node defines those with V8's
//! `CreateDataProperty`): a session named `__proto__` is an ordinary key,
//! and no JS runs while the object is filled.

use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::{sys, Env, Error, Result, Status};
use std::ffi::CStr;
use std::ptr;

/// What `JSON.parse` gives a property: writable, enumerable, configurable.
const DATA_PROPERTY: sys::napi_property_attributes = sys::PropertyAttributes::writable
    | sys::PropertyAttributes::enumerable
    | sys::PropertyAttributes::configurable;

/// A plain object under construction: its properties are collected, then
/// defined in one engine call, in the order they were added (which is the
/// order `Object.keys` lists them, after integer-like keys, as for
/// `JSON.parse`).
pub struct DataObject {
    env: sys::napi_env,
    properties: Vec<sys::napi_property_descriptor>,
}

impl DataObject {
    /// An object with room for `capacity` properties before reallocating.
    pub fn with_capacity(env: &Env, capacity: usize) -> Self {
        Self {
            env: env.raw(),
            properties: Vec::with_capacity(capacity),
        }
    }

    /// Adds a property with a fixed name (`c"id"`).
    pub fn field(&mut self, name: &'static CStr, value: impl ToNapiValue) -> Result<()> {
        let value = self.js(value)?;
        self.properties
            .push(descriptor(name.as_ptr(), ptr::null_mut(), value));
        Ok(())
    }

    /// Adds a property whose name comes from data (a session id): any text,
    /// `__proto__` included, becomes an own property of that name.
    pub fn entry(&mut self, key: &str, value: impl ToNapiValue) -> Result<()> {
        let name = self.js(key)?;
        let value = self.js(value)?;
        self.properties.push(descriptor(ptr::null(), name, value));
        Ok(())
    }

    /// The object with every property added.
    pub fn build<'env>(self) -> Result<Object<'env>> {
        let env = self.env;
        self.build_raw().map(|object| Object::from_raw(env, object))
    }

    /// [`DataObject::build`], as a raw value.
    fn build_raw(self) -> Result<sys::napi_value> {
        let mut object = ptr::null_mut();
        // SAFETY: `env` is the current call's (from the `Env` this was made
        // with); the engine writes one value.
        let status = unsafe { sys::napi_create_object(self.env, &mut object) };
        check(status, "Failed to create an object")?;
        // SAFETY: every descriptor has a name (a static NUL-terminated string
        // or a JS string of this call) and a value of this call, and no
        // method or accessor; the engine reads exactly `len` descriptors.
        let status = unsafe {
            sys::napi_define_properties(
                self.env,
                object,
                self.properties.len(),
                self.properties.as_ptr(),
            )
        };
        check(status, "Failed to define the object's properties")?;
        Ok(object)
    }

    /// `value` as a JS value of the current call.
    fn js(&self, value: impl ToNapiValue) -> Result<sys::napi_value> {
        // SAFETY: `env` is the current call's; converting a Rust value to a
        // JS value runs no JS.
        unsafe { ToNapiValue::to_napi_value(self.env, value) }
    }
}

impl ToNapiValue for DataObject {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        value.build_raw()
    }
}

/// A data property named by `utf8name` (if not null) or `name`.
fn descriptor(
    utf8name: *const std::ffi::c_char,
    name: sys::napi_value,
    value: sys::napi_value,
) -> sys::napi_property_descriptor {
    sys::napi_property_descriptor {
        utf8name,
        name,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: DATA_PROPERTY,
        data: ptr::null_mut(),
    }
}

/// `Ok` for `napi_ok`, else an error with `message` (a pending exception is
/// left for napi-rs to rethrow).
fn check(status: sys::napi_status, message: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else if status == sys::Status::napi_pending_exception {
        Err(Error::from_status(Status::PendingException))
    } else {
        Err(Error::new(Status::GenericFailure, message))
    }
}
