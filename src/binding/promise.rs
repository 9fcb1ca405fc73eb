//! The promises of the `*Async` exports: made on the JS thread, settled
//! there, from any thread, through one queue per Node environment.
//!
//! napi-rs's `JsDeferred` (behind `#[napi] async fn` and `spawn_future`)
//! creates a threadsafe function, and with it a libuv handle and a cleanup
//! hook, for every promise, and closes them when it settles. Here each
//! environment has one threadsafe function, made on its first async call: a
//! settled job posts a closure to it, and libuv wakes the JS thread once for
//! however many are waiting. With 64 calls in flight that saves 1 to 3 µs of
//! JS-thread CPU per call (measured per thread: `sealAsync` 2.5 against 3.8
//! to 5.8 µs, `verifyAsync` 4.5 against 5.7 to 7.4 µs). It holds the event
//! loop open only while some promise of its environment is pending (napi's
//! ref count of the function follows that number), so a pending promise
//! keeps the process alive and an idle addon does not.
//!
//! When the environment is torn down (a worker terminated mid-flight), its
//! cleanup hook aborts the threadsafe function before Node finalizes it, and
//! from then on a settle from a runtime thread drops its closure instead of
//! posting it: the promise is gone with the environment.

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys, Env, JsError, Result};
use std::cell::RefCell;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::ptr;
use std::sync::{Arc, Mutex, MutexGuard};

/// How a promise's value is made: called on the JS thread just before it
/// settles.
pub type Resolver<T> = Box<dyn FnOnce(&Env) -> Result<T> + Send>;

/// A pending promise; settled exactly once by [`Promise::settle`] (from any
/// thread) or [`Promise::settle_now`] (on the JS thread). A `Promise` dropped
/// without being settled leaves its JS promise pending, so callers settle
/// every one of them.
pub struct Promise<T> {
    deferred: RawDeferred,
    queue: Arc<Queue>,
    value: PhantomData<fn() -> T>,
}

impl<T: ToNapiValue + 'static> Promise<T> {
    /// A new pending promise in `env`, and the JS promise to return. Counts
    /// as pending (holding the event loop open) until it is settled.
    pub fn new(env: &Env) -> Result<(Self, sys::napi_value)> {
        let raw = env.raw();
        let queue = EnvQueue::of(raw)?;
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        // SAFETY: `raw` is the live environment of the current call.
        check_status!(unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) })?;
        EnvQueue::pending_changed(raw, 1);
        let promise_handle = Self {
            deferred: RawDeferred(deferred),
            queue,
            value: PhantomData,
        };
        Ok((promise_handle, promise))
    }

    /// Settles the promise with what `resolver` returns on the JS thread. Any
    /// thread; nothing happens if the environment is gone.
    pub fn settle(self, resolver: Resolver<T>) {
        let deferred = self.deferred;
        let item: QueueItem = Box::new(move |env| settle_raw(env, deferred, resolver));
        self.queue.post(item);
    }

    /// Settles the promise now. On the JS thread of the environment that
    /// made it.
    pub fn settle_now(self, env: &Env, resolver: Resolver<T>) {
        settle_raw(env.raw(), self.deferred, resolver);
    }
}

/// A `napi_deferred`: used only on the JS thread of its environment (in
/// [`settle_raw`]), but carried through runtime threads inside a
/// [`Promise`]. Dropping it does nothing.
struct RawDeferred(sys::napi_deferred);

// SAFETY: the pointer is only moved between threads, never used off the JS
// thread (see the type's documentation).
unsafe impl Send for RawDeferred {}

/// Resolves or rejects `deferred` with what `resolver` gives, as napi-rs
/// does (a rejection is the error's JS form: message, and `code` from its
/// status), and counts one promise less as pending.
fn settle_raw<T: ToNapiValue>(env: sys::napi_env, deferred: RawDeferred, resolver: Resolver<T>) {
    let js_env = Env::from_raw(env);
    // SAFETY (this block): `env` is the live environment of the current JS
    // thread callback and `deferred` one of its unsettled promises.
    let value = resolver(&js_env).and_then(|value| unsafe { T::to_napi_value(env, value) });
    unsafe {
        match value {
            Ok(value) => {
                sys::napi_resolve_deferred(env, deferred.0, value);
            }
            Err(error) => {
                let mut pending = false;
                sys::napi_is_exception_pending(env, &mut pending);
                let mut reason = ptr::null_mut();
                if pending {
                    sys::napi_get_and_clear_last_exception(env, &mut reason);
                } else {
                    reason = JsError::from(error).into_value(env);
                }
                sys::napi_reject_deferred(env, deferred.0, reason);
            }
        }
    }
    EnvQueue::pending_changed(env, -1);
}

/// What the queue carries: settles one promise, given the JS thread's
/// environment.
type QueueItem = Box<dyn FnOnce(sys::napi_env) + Send>;

/// A `napi_threadsafe_function`, callable from any thread while the
/// environment lives.
#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);

// SAFETY: calling a threadsafe function from any thread is its purpose;
// `Queue` keeps calls and the teardown's abort apart with its lock.
unsafe impl Send for Tsfn {}

/// The settle queue of one environment, shared with the runtime threads.
struct Queue {
    /// `None` once the environment is being torn down.
    tsfn: Mutex<Option<Tsfn>>,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Option<Tsfn>> {
        // A panic while holding it leaves an `Option` that is still right.
        self.tsfn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Posts `item` to the JS thread, or drops it if the environment is
    /// gone. The lock is held across the call, so the teardown cannot
    /// release the function during it.
    fn post(&self, item: QueueItem) {
        let tsfn = self.lock();
        let Some(Tsfn(tsfn)) = *tsfn else { return };
        let data = Box::into_raw(Box::new(item));
        // SAFETY: `tsfn` is live (not yet aborted, and the lock keeps it so);
        // the queue is unbounded, so a non-blocking call never waits.
        let status = unsafe {
            sys::napi_call_threadsafe_function(
                tsfn,
                data.cast(),
                sys::ThreadsafeFunctionCallMode::nonblocking,
            )
        };
        if status != sys::Status::napi_ok {
            // Not queued (the function is closing): the box is still ours.
            // SAFETY: made by `Box::into_raw` above and not handed over.
            drop(unsafe { Box::from_raw(data) });
        }
    }
}

/// The queue of the environment on this thread, with its count of pending
/// promises (touched only on this thread).
struct EnvQueue {
    env: sys::napi_env,
    queue: Arc<Queue>,
    pending: usize,
}

thread_local! {
    /// Node runs one environment per thread; this is that environment's
    /// queue, from its first async call until its teardown.
    static ENV_QUEUE: RefCell<Option<EnvQueue>> = const { RefCell::new(None) };
}

impl EnvQueue {
    /// The queue of `env`, made on first use: a threadsafe function without
    /// a JS function (settling happens in [`call_js`]), unreferenced while
    /// nothing is pending, and a cleanup hook that aborts it.
    fn of(env: sys::napi_env) -> Result<Arc<Queue>> {
        ENV_QUEUE.with(|slot| {
            let mut slot = slot.borrow_mut();
            if let Some(existing) = slot.as_ref().filter(|existing| existing.env == env) {
                return Ok(existing.queue.clone());
            }
            let queue = Arc::new(Queue {
                tsfn: Mutex::new(Some(Tsfn(create_tsfn(env)?))),
            });
            let hook_data = Arc::into_raw(queue.clone()).cast_mut().cast::<c_void>();
            // SAFETY: `env` is live; the hook runs once, on this thread, when
            // the environment is torn down, and takes back `hook_data`.
            let added = unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), hook_data) };
            if let Err(error) = check_status!(added) {
                // SAFETY: the hook was not added, so `hook_data` is still ours.
                drop(unsafe { Arc::from_raw(hook_data.cast::<Queue>().cast_const()) });
                abort(&queue);
                return Err(error);
            }
            *slot = Some(EnvQueue {
                env,
                queue: queue.clone(),
                pending: 0,
            });
            Ok(queue)
        })
    }

    /// Adds `delta` (±1) to the pending promises of `env`; references the
    /// threadsafe function when the count leaves 0, unreferences it when it
    /// returns there. On the JS thread.
    fn pending_changed(env: sys::napi_env, delta: isize) {
        ENV_QUEUE.with(|slot| {
            let mut slot = slot.borrow_mut();
            let Some(this) = slot.as_mut().filter(|this| this.env == env) else {
                return;
            };
            let before = this.pending;
            this.pending = before.saturating_add_signed(delta);
            let Some(Tsfn(tsfn)) = *this.queue.lock() else {
                return;
            };
            // SAFETY: `env` is this thread's live environment, `tsfn` its
            // function, not aborted (checked under the lock).
            unsafe {
                if before == 0 && this.pending > 0 {
                    sys::napi_ref_threadsafe_function(env, tsfn);
                } else if before > 0 && this.pending == 0 {
                    sys::napi_unref_threadsafe_function(env, tsfn);
                }
            }
        });
    }
}

/// Makes the threadsafe function of `env`'s queue, unreferenced.
fn create_tsfn(env: sys::napi_env) -> Result<sys::napi_threadsafe_function> {
    let name = "cojson-native settle";
    let mut resource_name = ptr::null_mut();
    let mut tsfn = ptr::null_mut();
    // SAFETY: `env` is the live environment of the current call; no JS
    // function (allowed with a `call_js` callback), no finalizer data.
    unsafe {
        check_status!(sys::napi_create_string_utf8(
            env,
            name.as_ptr().cast(),
            name.len() as isize,
            &mut resource_name,
        ))?;
        check_status!(sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            resource_name,
            0,
            1,
            ptr::null_mut(),
            None,
            ptr::null_mut(),
            Some(call_js),
            &mut tsfn,
        ))?;
        check_status!(sys::napi_unref_threadsafe_function(env, tsfn))?;
    }
    Ok(tsfn)
}

/// Runs a posted item on the JS thread. Node calls it with a null `env`
/// for items still queued when the function closes: those are dropped.
unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    _context: *mut c_void,
    data: *mut c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: every `data` is a `Box<QueueItem>` made by `Queue::post` and
    // handed over by a successful call; Node passes each exactly once.
    let item = unsafe { Box::from_raw(data.cast::<QueueItem>()) };
    if !env.is_null() {
        item(env);
    }
}

/// The environment's cleanup hook: aborts its queue's function before Node
/// finalizes it (hooks run in reverse order of adding, and Node added the
/// function's own teardown when it was made, before this hook).
unsafe extern "C" fn teardown(data: *mut c_void) {
    // SAFETY: `data` is the `Arc<Queue>` leaked for this hook in
    // `EnvQueue::of`; the hook runs once.
    let queue = unsafe { Arc::from_raw(data.cast::<Queue>().cast_const()) };
    abort(&queue);
    ENV_QUEUE.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            if slot
                .as_ref()
                .is_some_and(|this| Arc::ptr_eq(&this.queue, &queue))
            {
                *slot = None;
            }
        }
    });
}

/// Aborts `queue`'s function, after which posts are dropped.
fn abort(queue: &Queue) {
    if let Some(Tsfn(tsfn)) = queue.lock().take() {
        // SAFETY: `tsfn` is live and, taken under the lock, released once.
        unsafe {
            sys::napi_release_threadsafe_function(tsfn, sys::ThreadsafeFunctionReleaseMode::abort)
        };
    }
}
