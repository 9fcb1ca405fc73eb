//! Where the `*Async` exports run: napi-rs's tokio runtime, off the JS
//! thread and off libuv's thread pool (which file system, DNS and zlib work
//! share, four threads by default).
//!
//! Each operation is a [`Job`] holding its inputs: the synchronous export
//! builds it over the borrowed arguments and calls [`Job::run`] at once, its
//! `*Async` twin builds it over copies and passes it to [`start`], which
//! returns a promise and runs the job on a runtime thread. Both give the same
//! result and the same errors.
//!
//! The runtime is napi-rs's (feature `tokio_rt`): one per process (per loaded
//! addon file), a multi-thread tokio runtime with one worker thread per
//! available CPU (`std::thread::available_parallelism`, at least 1; the
//! `TOKIO_WORKER_THREADS` variable overrides it, and tokio aborts the process
//! when the addon loads if that is set to anything but a positive integer,
//! as it does for every napi-rs addon with tokio). napi-rs starts it when the
//! addon is loaded into the first Node environment (main thread or worker)
//! and shuts it down when the last such environment is torn down, without
//! waiting for jobs in flight; a later load starts a new one. A job runs to
//! completion on one worker thread (they are short, CPU-bound and this
//! runtime runs nothing else): as many jobs run at once as there are
//! workers, and the rest wait in the runtime's queue.
//!
//! A promise is settled on the JS thread through its environment's queue
//! ([`crate::binding::promise`]): a pending one keeps the event loop alive,
//! and once its environment is gone (a worker terminated mid-flight) its
//! settling does nothing. Every path settles it exactly once: the job's
//! result; an `AbortError` when the `signal` aborts before a runtime thread
//! takes the job (see [`crate::binding::abort_signal`]); or an error when the
//! job is dropped without running (the runtime stopped or was not running).

use crate::binding::abort_signal::{Signal, SignalArg, Subscription};
use crate::binding::promise::{Promise, Resolver};
use napi::bindgen_prelude::{spawn, PromiseRaw, ToNapiValue};
use napi::{Env, Error, Result, Status};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

/// One operation with everything it needs, owned or borrowed: what a
/// synchronous export computes at once and its `*Async` twin on the runtime.
pub trait Job {
    /// What the operation returns to JS.
    type Output;

    /// Parses the inputs and computes the result.
    fn run(&self) -> Result<Self::Output>;
}

/// The message of the rejection for a job dropped without a result.
const DROPPED: &str = "The operation stopped before it completed: the async runtime is not running";

/// Returns a promise for `job`'s result and runs the job on the runtime.
/// With a `signal`, checks it (a `TypeError` for anything that is no
/// `AbortSignal`, see [`crate::binding::abort_signal`]): already aborted,
/// the promise rejects with an `AbortError` and the job never runs; aborted
/// while the job waits for a runtime thread, likewise; aborted later, the
/// job's result stands. The caller has copied everything the job needs, as
/// looking at the signal runs JS.
pub fn start<'env, J>(
    env: &'env Env,
    job: J,
    signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, J::Output>>
where
    J: Job + Send + 'static,
    J::Output: ToNapiValue + Send + 'static,
{
    let ticket = Arc::new(Ticket::default());
    let subscription = match signal {
        None => None,
        Some(signal) => {
            let signal = Signal::check(env, signal)?;
            if signal.is_aborted()? {
                let error = signal.abort_error();
                let (promise, value) = Promise::<J::Output>::new(env)?;
                promise.settle_now(env, Box::new(move |_| Err(error)));
                return Ok(PromiseRaw::new(env.raw(), value));
            }
            let listening = ticket.clone();
            Some(signal.subscribe(move |env| {
                if let Some(pending) = listening.abort() {
                    pending.abort(env);
                }
            })?)
        }
    };
    let (promise, value) = match Promise::new(env) {
        Ok(created) => created,
        Err(error) => {
            if let Some(subscription) = subscription {
                subscription.end(env);
            }
            return Err(error);
        }
    };
    match ticket.queue(Pending::new(promise, subscription)) {
        Ok(()) => {
            let runner = Runner { ticket, job };
            // napi-rs's `spawn` panics when the runtime is not running (a
            // load racing the teardown of the last other environment); the
            // runner is then dropped, which rejects the promise.
            let _ = catch_unwind(AssertUnwindSafe(move || {
                spawn(async move { runner.run() });
            }));
        }
        // The signal aborted while its listener was being added.
        Err(pending) => pending.abort(env),
    }
    Ok(PromiseRaw::new(env.raw(), value))
}

/// Who settles a promise: the runner that takes its job, or the abort.
struct Ticket<T: ToNapiValue + Send + 'static> {
    stage: Mutex<Stage<T>>,
}

/// Where a [`Ticket`] is.
enum Stage<T: ToNapiValue + Send + 'static> {
    /// The listener is being added; the promise does not exist yet.
    Subscribing,
    /// The signal aborted while its listener was being added.
    AbortedEarly,
    /// The job waits for a runtime thread.
    Queued(Pending<T>),
    /// Taken by the runner or by the abort.
    Taken,
}

impl<T: ToNapiValue + Send + 'static> Default for Ticket<T> {
    fn default() -> Self {
        Self {
            stage: Mutex::new(Stage::Subscribing),
        }
    }
}

impl<T: ToNapiValue + Send + 'static> Ticket<T> {
    /// The stage, even after a panic elsewhere while it was held (each
    /// transition is a single assignment, so no state is half made).
    fn lock(&self) -> MutexGuard<'_, Stage<T>> {
        self.stage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues the promise; hands it back if the signal already aborted.
    fn queue(&self, pending: Pending<T>) -> std::result::Result<(), Pending<T>> {
        let mut stage = self.lock();
        if matches!(*stage, Stage::AbortedEarly) {
            *stage = Stage::Taken;
            return Err(pending);
        }
        *stage = Stage::Queued(pending);
        Ok(())
    }

    /// The promise, for the runner, if the job is still to run.
    fn take(&self) -> Option<Pending<T>> {
        match std::mem::replace(&mut *self.lock(), Stage::Taken) {
            Stage::Queued(pending) => Some(pending),
            _ => None,
        }
    }

    /// The promise, for the abort listener, if the job has not been taken.
    fn abort(&self) -> Option<Pending<T>> {
        let mut stage = self.lock();
        match std::mem::replace(&mut *stage, Stage::Taken) {
            Stage::Queued(pending) => Some(pending),
            Stage::Subscribing => {
                *stage = Stage::AbortedEarly;
                None
            }
            other => {
                *stage = other;
                None
            }
        }
    }
}

/// A promise to settle, with the signal's listener to remove when it is.
/// Dropped without being settled (a panic, a runtime that stopped), it
/// rejects the promise, so no promise stays pending forever.
struct Pending<T: ToNapiValue + Send + 'static> {
    promise: Option<Promise<T>>,
    subscription: Option<Subscription>,
}

impl<T: ToNapiValue + Send + 'static> Pending<T> {
    fn new(promise: Promise<T>, subscription: Option<Subscription>) -> Self {
        Self {
            promise: Some(promise),
            subscription,
        }
    }

    /// Settles the promise with `result`, from any thread: on the JS
    /// thread, the listener is removed, then the promise resolves or rejects.
    fn settle(mut self, result: Result<T>) {
        if let Some(promise) = self.promise.take() {
            promise.settle(self.resolver(result));
        }
    }

    /// Rejects the promise now with the signal's `AbortError`; on the JS
    /// thread.
    fn abort(mut self, env: &Env) {
        let error = match &self.subscription {
            Some(subscription) => subscription.abort_error(env),
            None => Error::new(Status::Cancelled, "The operation was aborted"),
        };
        if let Some(promise) = self.promise.take() {
            promise.settle_now(env, self.resolver(Err(error)));
        }
    }

    /// Removes the listener, then gives `result`.
    fn resolver(&mut self, result: Result<T>) -> Resolver<T> {
        let subscription = self.subscription.take();
        Box::new(move |env| {
            if let Some(subscription) = subscription {
                subscription.end(env);
            }
            result
        })
    }
}

impl<T: ToNapiValue + Send + 'static> Drop for Pending<T> {
    fn drop(&mut self) {
        if let Some(promise) = self.promise.take() {
            let error = Error::new(Status::GenericFailure, DROPPED);
            promise.settle(self.resolver(Err(error)));
        }
    }
}

/// A job on its way to a runtime thread.
struct Runner<J: Job>
where
    J::Output: ToNapiValue + Send + 'static,
{
    ticket: Arc<Ticket<J::Output>>,
    job: J,
}

impl<J: Job> Runner<J>
where
    J::Output: ToNapiValue + Send + 'static,
{
    /// Runs the job unless the signal aborted first, and settles.
    fn run(&self) {
        if let Some(pending) = self.ticket.take() {
            pending.settle(self.job.run());
        }
    }
}

impl<J: Job> Drop for Runner<J>
where
    J::Output: ToNapiValue + Send + 'static,
{
    /// A runner dropped before it ran (the runtime stopped, or never took
    /// it) rejects its promise.
    fn drop(&mut self) {
        drop(self.ticket.take());
    }
}
