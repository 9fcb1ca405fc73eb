// Messages in a SharedArrayBuffer that another thread writes during the call.
//
// Ed25519 hashes the message twice (nonce, then challenge). If the bytes
// changed between the two passes, the signature would mix two messages, and
// such a signature next to an honest one reveals the signing key. Our signing
// exports copy the message first, so every signature must be the honest
// signature of one of the two states the buffer flips between (Ed25519 is
// deterministic, so both are known in advance, from the reference).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

const require = createRequire(import.meta.url)
const ours = require('../index.js')
const reference = require('cojson-core-napi')

const LENGTH = 4096
const ROUNDS = 3000

/** A worker that flips the last byte of `shared` between 0 and 1 until `stop[0]` is set. */
function startFlipper(shared, stop) {
  const source = `
    const { workerData } = require('node:worker_threads')
    const bytes = new Uint8Array(workerData.shared)
    const stop = new Int32Array(workerData.stop)
    while (Atomics.load(stop, 0) === 0) bytes[bytes.length - 1] ^= 1
  `
  return new Worker(source, { eval: true, workerData: { shared, stop } })
}

/** Runs `signOnce(bytes)` ROUNDS times while another thread flips the last byte; returns the distinct results. */
async function signWhileFlipping(signOnce) {
  const shared = new SharedArrayBuffer(LENGTH)
  const stopBuffer = new SharedArrayBuffer(4)
  const bytes = new Uint8Array(shared)
  bytes.fill(7)
  const flipper = startFlipper(shared, stopBuffer)
  await new Promise((resolve) => flipper.once('online', resolve))
  const seen = new Set()
  try {
    for (let i = 0; i < ROUNDS; i++) seen.add(signOnce(bytes))
  } finally {
    Atomics.store(new Int32Array(stopBuffer), 0, 1)
    await flipper.terminate()
  }
  return seen
}

/** The message as it is in each of the two states the flipper leaves it in. */
function states() {
  const zero = new Uint8Array(LENGTH).fill(7)
  zero[LENGTH - 1] = 7
  const one = new Uint8Array(LENGTH).fill(7)
  one[LENGTH - 1] = 6
  return [zero, one]
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')

test('ed25519Sign of a buffer another thread writes: always the honest signature of one state', async () => {
  const key = new Uint8Array(32).fill(9)
  const honest = new Set(states().map((message) => hex(reference.ed25519Sign(key, message))))
  const seen = await signWhileFlipping((bytes) => hex(ours.ed25519Sign(key, bytes)))
  for (const signature of seen) assert.ok(honest.has(signature), `a mixed signature: ${signature}`)
})

test('sign (cojson ids) of a buffer another thread writes: always the honest signature of one state', async () => {
  const secret = new TextEncoder().encode('signerSecret_z' + '4'.repeat(44))
  const honest = new Set(states().map((message) => reference.sign(message, secret)))
  const seen = await signWhileFlipping((bytes) => ours.sign(bytes, secret))
  for (const signature of seen) assert.ok(honest.has(signature), `a mixed signature: ${signature}`)
})
