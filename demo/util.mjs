// Small helpers shared by the demo flows.
import { performance } from 'node:perf_hooks'

/** Runs `work`, returning `{ value, ms }` (or `{ error, ms }` when it throws). */
export async function timed(work) {
  const started = performance.now()
  try {
    const value = await work()
    return { value, ms: performance.now() - started }
  } catch (error) {
    return { error, ms: performance.now() - started }
  }
}

/** Resolves when `check()` is truthy (polled), rejects after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The message of an Error or of a JazzRequestError (which is not an Error). */
export function messageOf(error) {
  return error?.message ?? String(error)
}
