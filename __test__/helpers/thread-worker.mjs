// Worker of threads.test.mjs: loads the addon in its own thread, waits until
// every worker is ready, then runs the tasks it was given several times and
// reports how many results matched the expectations from the main thread.
import { parentPort, workerData } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { sessionRound } from './session-round.mjs'

const require = createRequire(import.meta.url)
const ours = require('../../index.js')
const { tasks, rounds, barrier, workers } = workerData
const hex = (bytes) => Buffer.from(bytes).toString('hex')
const utf8 = (text) => new TextEncoder().encode(text)

/** Runs one task; returns its result in the form the main thread computed. */
function run(task) {
  const { op, args } = task
  switch (op) {
    case 'getSignerId':
      return ours.getSignerId(utf8(args.secret))
    case 'sign':
      return ours.sign(utf8(args.message), utf8(args.secret))
    case 'verify':
      return ours.verify(utf8(args.signature), utf8(args.message), utf8(args.id))
    case 'getSealerId':
      return ours.getSealerId(utf8(args.secret))
    case 'unseal':
      return hex(ours.unseal(Uint8Array.from(args.sealed), args.secret, args.from, utf8(args.nonce)))
    case 'sealRoundTrip': {
      const sealed = ours.sealForGroup(utf8(args.message), args.to, utf8(args.nonce))
      return Buffer.from(ours.unsealForGroup(sealed, args.secret, utf8(args.nonce))).toString()
    }
    case 'encrypt':
      return hex(ours.encrypt(utf8(args.message), args.key, utf8(args.nonce)))
    case 'blake3':
      return hex(ours.blake3HashOnce(utf8(args.message)))
    case 'hasher': {
      const hasher = new ours.Blake3Hasher()
      for (const part of args.parts) hasher.update(utf8(part))
      const fork = hasher.clone()
      fork.update(utf8('!'))
      return `${hex(hasher.finalize())}/${hex(fork.finalize())}`
    }
    case 'shortHash':
      return ours.shortHash(args.message)
    case 'sessionMap':
      return sessionRound(ours, args)
    case 'malformed':
      try {
        ours.getSignerId(utf8(args.secret))
        return 'no error'
      } catch (error) {
        return error instanceof Error ? error.message : 'not an Error'
      }
    default:
      throw new Error(`unknown task ${op}`)
  }
}

// Barrier: count in, then wait until all workers have arrived.
const counter = new Int32Array(barrier)
Atomics.add(counter, 0, 1)
Atomics.notify(counter, 0)
while (Atomics.load(counter, 0) < workers) Atomics.wait(counter, 0, Atomics.load(counter, 0), 1000)

let matched = 0
const mismatches = []
for (let round = 0; round < rounds; round++) {
  for (const task of tasks) {
    let got
    try {
      got = run(task)
    } catch (error) {
      got = `threw ${error?.message}`
    }
    if (got === task.expected) matched++
    else if (mismatches.length < 5) mismatches.push({ op: task.op, got, expected: task.expected })
  }
}
parentPort.postMessage({ matched, mismatches })
