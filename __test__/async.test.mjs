// The promise-returning variants resolve to what the synchronous functions
// return and what the reference cojson-core-napi@0.20.19 returns, reject with
// the same errors, and really run concurrently; they take an optional
// AbortSignal, and run on the addon's own threads, not libuv's pool.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { getEventListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { base58 } from '@scure/base'
import { ours, ref, utf8, hex, generator } from './helpers/common.mjs'
import { asyncCalls } from './helpers/async-calls.mjs'
import { hostileProxy } from './helpers/fuzz-values.mjs'

const g = generator(7_301)
const signerSecret = () => `signerSecret_z${base58.encode(g.bytes(32))}`
const sealerSecret = () => `sealerSecret_z${base58.encode(g.bytes(32))}`

test('signAsync and verifyAsync agree with sign, verify and the reference', async () => {
  for (let i = 0; i < 200; i++) {
    const secret = utf8(signerSecret())
    const message = g.bytes(g.int(600))
    const expected = ref.sign(message, secret)
    assert.equal(await ours.signAsync(message, secret), expected)
    assert.equal(ours.sign(message, secret), expected)
    const id = utf8(ref.getSignerId(secret))
    assert.equal(await ours.verifyAsync(utf8(expected), message, id), true)
    const tampered = Uint8Array.from(message)
    if (tampered.length > 0) {
      tampered[g.int(tampered.length)] ^= 1
      assert.equal(await ours.verifyAsync(utf8(expected), tampered, id), ref.verify(utf8(expected), tampered, id))
    }
  }
})

test('sealAsync and unsealAsync agree with seal, unseal and the reference', async () => {
  for (let i = 0; i < 100; i++) {
    const from = sealerSecret()
    const to = sealerSecret()
    const toId = ref.getSealerId(utf8(to))
    const fromId = ref.getSealerId(utf8(from))
    const message = g.bytes(g.int(500))
    const nonce = g.bytes(g.int(80))
    const expected = ref.seal(message, from, toId, nonce)
    assert.equal(hex(await ours.sealAsync(message, from, toId, nonce)), hex(expected))
    assert.equal(hex(await ours.unsealAsync(expected, to, fromId, nonce)), hex(message))
    assert.equal(hex(await ours.unsealAsync(expected, to, fromId, nonce)), hex(ours.unseal(expected, to, fromId, nonce)))
  }
})

test('malformed input and failed opening reject with the synchronous error', async () => {
  const message = utf8('hello')
  const syncError = (fn) => {
    try {
      fn()
    } catch (error) {
      return error.message
    }
    assert.fail('expected a throw')
  }
  const badSecret = utf8('signerSecret_zO0O0')
  await assert.rejects(ours.signAsync(message, badSecret), { message: syncError(() => ours.sign(message, badSecret)) })
  await assert.rejects(ours.verifyAsync(utf8('signature_z1'), message, utf8('signer_z1')), {
    message: syncError(() => ours.verify(utf8('signature_z1'), message, utf8('signer_z1'))),
  })
  await assert.rejects(ours.sealAsync(message, 'sealer_zabc', 'sealer_zabc', message), /sealer secret/)
  const from = sealerSecret()
  const to = sealerSecret()
  const sealed = ref.seal(message, from, ref.getSealerId(utf8(to)), message)
  await assert.rejects(ours.unsealAsync(sealed, from, ref.getSealerId(utf8(from)), message), /Wrong tag/)
})

test('arguments are copied: changing them after the call does not change the result', async () => {
  const secret = utf8(signerSecret())
  const message = g.bytes(100)
  const expected = ref.sign(message, secret)
  const pending = ours.signAsync(message, secret)
  message.fill(0)
  assert.equal(await pending, expected)
})

test('many calls in flight resolve to the right results', async () => {
  const secret = utf8(signerSecret())
  const messages = Array.from({ length: 64 }, (_, i) => utf8(`message ${i}`))
  const results = await Promise.all(messages.map((m) => ours.signAsync(m, secret)))
  assert.deepEqual(results, messages.map((m) => ref.sign(m, secret)))
})

// ---- AbortSignal: the optional last argument of every *Async export ----

const ABORT = { name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' }

/** The AbortError the promise must reject with, its `cause` the signal's reason. */
const abortError = (reason) => (error) => {
  assert.ok(error instanceof Error, String(error))
  assert.deepEqual({ name: error.name, code: error.code, message: error.message }, ABORT)
  assert.equal(error.cause, reason)
  return true
}

/** Every byte argument of `args` copied into a resizable buffer; `shrink()` empties them all. */
function resizable(args) {
  const buffers = []
  const copy = (value) => {
    if (value instanceof Uint8Array) {
      const buffer = new ArrayBuffer(value.length, { maxByteLength: value.length + 64 })
      buffers.push(buffer)
      const view = new Uint8Array(buffer)
      view.set(value)
      return view
    }
    if (Array.isArray(value)) return value.map((item) => ({ ...item, message: copy(item.message) }))
    return value
  }
  return { args: args.map(copy), shrink: () => buffers.forEach((buffer) => buffer.resize(0)) }
}

test('signal: a signal that never aborts changes nothing, and its listener is removed when the promise settles', async () => {
  for (const { name, args, expected, show } of asyncCalls(g, ref)) {
    const controller = new AbortController()
    const pending = ours[name](...args, controller.signal)
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1, name)
    assert.deepEqual(show(await pending), expected, name)
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, name)
    controller.abort() // after settling: nothing left to abort
    assert.deepEqual(show(await ours[name](...args, undefined)), expected, name)
    assert.deepEqual(show(await ours[name](...args, null)), expected, name)
  }
  // One signal for many calls in a row collects no listeners.
  const controller = new AbortController()
  const [, verify] = asyncCalls(g, ref)
  for (let i = 0; i < 50; i++) assert.equal(await ours.verifyAsync(...verify.args, controller.signal), true)
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
})

test('signal: already aborted, every export rejects with an AbortError whose cause is the reason', async () => {
  for (const { name, args } of asyncCalls(g, ref)) {
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(ours[name](...args, controller.signal), abortError(controller.signal.reason), name)
    const reason = { why: name }
    await assert.rejects(ours[name](...args, AbortSignal.abort(reason)), abortError(reason), name)
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, name)
  }
})

test('signal: aborted while the job waits for a runtime thread, the promise rejects with an AbortError; jobs ahead are unaffected', async () => {
  // Fill every runtime thread, and the queue behind them, with long batches
  // (the runtime has at most one thread per CPU): a call made now waits.
  const secret = utf8(signerSecret())
  const message = utf8('a long batch')
  const item = { signature: ref.sign(message, secret), message, signerId: ref.getSignerId(secret) }
  const long = new Array(3000).fill(item)
  const ahead = Array.from({ length: 4 * availableParallelism() + 4 }, () => ours.verifyBatchAsync(long))
  const waiting = []
  for (const { name, args, expected, show } of asyncCalls(g, ref)) {
    const controller = new AbortController()
    const reason = new Error(`stop ${name}`)
    const aborted = ours[name](...args, controller.signal)
    controller.abort(reason)
    waiting.push(assert.rejects(aborted, abortError(reason), name))
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, name)
    // A call queued next to it without an abort still gets its result.
    waiting.push(ours[name](...args, new AbortController().signal).then((value) => assert.deepEqual(show(value), expected, name)))
  }
  await Promise.all(waiting)
  for (const verdicts of await Promise.all(ahead)) assert.ok(verdicts.length === long.length && verdicts.every((v) => v === true))
})

test('signal: anything but an AbortSignal, undefined or null throws a TypeError before any work', () => {
  const notSignals = [
    'signal', 1, 0, true, false, Symbol('signal'), 10n, {}, [], () => {},
    new EventTarget(), // no `aborted`
    { aborted: false }, // no listener methods
    { aborted: false, addEventListener() {}, removeEventListener: 1 },
  ]
  const typeError = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'The "signal" argument must be an instance of AbortSignal' }
  for (const { name, args } of asyncCalls(g, ref)) {
    for (const value of notSignals) assert.throws(() => ours[name](...args, value), typeError, `${name}(…, ${typeof value})`)
    // A proxy whose `has` trap throws: that error is what the call throws.
    assert.throws(() => ours[name](...args, hostileProxy()), { message: 'trap' }, name)
  }
})

test('signal: it is looked at only after every argument was copied', async () => {
  for (const { name, args, expected, show } of asyncCalls(g, ref)) {
    const copy = resizable(args)
    let looked = 0
    const signal = {
      get aborted() {
        looked++
        copy.shrink()
        return false
      },
      addEventListener() {
        looked++
        copy.shrink()
      },
      removeEventListener() {},
    }
    assert.deepEqual(show(await ours[name](...copy.args, signal)), expected, name)
    assert.equal(looked, 2, name)
  }
})

test('signal: a signal-like object is used through its own methods, whatever they do', async () => {
  for (const { name, args, expected, show } of asyncCalls(g, ref)) {
    // Its addEventListener throws: that error is thrown, no promise is made.
    const refusing = { aborted: false, addEventListener() { throw new RangeError('no listeners') }, removeEventListener() {} }
    assert.throws(() => ours[name](...args, refusing), { name: 'RangeError', message: 'no listeners' }, name)
    // It aborts while the listener is added.
    const reason = Symbol('at once')
    const hasty = { aborted: false, reason, addEventListener(type, listener) { assert.equal(type, 'abort'); listener() }, removeEventListener() {} }
    await assert.rejects(ours[name](...args, hasty), abortError(reason), name)
    // Its removeEventListener throws: the result still arrives.
    const removed = []
    const stubborn = { aborted: false, addEventListener() {}, removeEventListener(type, listener) { removed.push(type, typeof listener); throw new Error('kept') } }
    assert.deepEqual(show(await ours[name](...args, stubborn)), expected, name)
    assert.deepEqual(removed, ['abort', 'function'], name)
    // `aborted` counts by truthiness; `reason` becomes the cause.
    await assert.rejects(ours[name](...args, { aborted: 1, reason: 42, addEventListener() {}, removeEventListener() {} }), abortError(42), name)
  }
})

// ---- Where the work runs: the addon's own threads, not libuv's pool ----

test('async work completes while every libuv pool thread is blocked by file reads, with zlib queued behind them', { skip: process.platform === 'win32' && 'uses mkfifo', timeout: 120_000 }, () => {
  const child = fileURLToPath(new URL('./helpers/pool-blocked-child.mjs', import.meta.url))
  const result = spawnSync(process.execPath, [child], {
    env: { ...process.env, UV_THREADPOOL_SIZE: '4' },
    encoding: 'utf8',
    timeout: 100_000,
  })
  assert.equal(result.status, 0, `child failed (a hang means the async work waited for the pool): ${result.stderr}`)
  const report = JSON.parse(result.stdout)
  for (const { name, expected, got } of report.results) assert.deepEqual(got, expected, name)
  assert.equal(report.results.length, 5)
  assert.equal(report.zlibDoneBeforeRelease, false, 'the pool really was blocked')
  assert.deepEqual(report.texts, ['released', 'released', 'released', 'released'])
  assert.equal(report.zlibRoundTrip, true)
})

test('the runtime has at most one thread per CPU, and TOKIO_WORKER_THREADS sets the count', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  const script = `
    const ours = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
    const fs = require('node:fs')
    const message = new Uint8Array(32)
    const secret = new TextEncoder().encode('signerSecret_z' + '1'.repeat(44))
    Promise.allSettled(Array.from({ length: 256 }, () => ours.signAsync(message, secret))).then(() => {
      const names = fs.readdirSync('/proc/self/task').map((t) => fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim())
      process.stdout.write(String(names.filter((n) => n === 'tokio-rt-worker').length))
    })`
  const threads = (env) => Number(spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).stdout)
  const { TOKIO_WORKER_THREADS, ...natural } = process.env
  const count = threads(natural)
  assert.ok(count >= 1 && count <= availableParallelism(), `${count} runtime threads for ${availableParallelism()} CPUs`)
  assert.equal(threads({ ...natural, TOKIO_WORKER_THREADS: '1' }), 1)
})
