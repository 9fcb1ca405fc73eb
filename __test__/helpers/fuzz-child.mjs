// Child process of fuzz-args.test.mjs: calls the addon's exports with
// generated arguments until a deadline. Every call must return or throw a JS
// Error; anything else (a thrown non-Error, a promise, a crash) fails.
//
//   node fuzz-child.mjs <mode> <seed> <seconds> <traceFile>
//
// Modes: typed (valid arguments with one or two malformed), wild (anything in
// any position, missing and extra arguments), classes (constructors and
// methods, also with a wrong `this`), large (64 MiB buffers, a few calls).
// Before each call its description is written over the start of <traceFile>,
// so after a crash the parent can say which call it was.
import { openSync, writeSync } from 'node:fs'
import { ours, utf8, generator } from './common.mjs'
import { values, SIGNATURES } from './fuzz-values.mjs'
import { sessionKinds } from './fuzz-session.mjs'

const [mode, seedText, secondsText, traceFile] = process.argv.slice(2)
const g = generator(Number(seedText))
const v = values(g, ours)
const deadline = Date.now() + Number(secondsText) * 1000
const trace = openSync(traceFile, 'w')
const stats = { mode, seed: Number(seedText), calls: 0, returned: 0, threw: 0, resolved: 0, rejected: 0, byExport: {} }

const sig64 = ours.ed25519Sign(v.key32, utf8('m'))
const TEXT = {
  keySecret: v.keySecret,
  sealerSecret: v.sealerSecret,
  sealerId: v.sealerId,
  sealerSecretUtf8: v.sealerSecret,
  signerSecretUtf8: v.signerSecret,
  signatureUtf8: v.signature,
  signerIdUtf8: v.signerId,
}
const BYTES = { key32: v.key32, x25519Pub: v.x25519Pub, edPub: v.edPub, sig64, sealed: v.sealed, sealedGroup: v.sealedGroup }

const { SESSION_KINDS, CLASS_SPECS, fx, validSession, malformedSession, validBatch, malformedBatch } = sessionKinds(g, v, ours)

function valid(kind) {
  if (kind === 'batch') return validBatch()
  if (fx && validSession(kind) !== undefined) return validSession(kind)
  if (kind === 'metaJson' || kind === 'maxTxSize') return undefined
  if (kind === 'bytes') return g.bytes(g.int(4) === 0 ? g.int(5000) : g.int(64))
  if (kind === 'nonce') return g.int(3) === 0 ? g.bytes(g.int(100)) : v.nonce
  if (kind === 'json') return g.int(2) === 0 ? JSON.stringify({ t: g.text(g.int(50)) }) : v.json()
  if (kind in BYTES) return BYTES[kind]
  const text = TEXT[kind]
  return kind.endsWith('Utf8') ? utf8(text) : text
}

function malformed(kind) {
  if (kind === 'batch') return malformedBatch()
  if (g.int(4) === 0) return v.wild()
  if (fx && kind in SESSION_KINDS) return malformedSession(kind)
  if (kind in TEXT) {
    const text = v.badText(TEXT[kind])
    // Mostly in the right representation, sometimes in the other one.
    const asBytes = kind.endsWith('Utf8') !== (g.int(5) === 0)
    return asBytes ? utf8(text) : text
  }
  if (kind in BYTES) return v.badBytes(BYTES[kind])
  if (kind === 'json') return g.pick([v.json(), v.deepJson(g.pick([100, 10_000, 1_000_000]), g.int(2) === 0)])
  return v.badBytes(g.bytes(g.int(64)))
}

function describe(value) {
  try {
    return describeUnsafe(value)
  } catch {
    return 'unprintable'
  }
}

function describeUnsafe(value) {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength}B)`
  if (typeof value === 'string') return `string(${value.length}:${JSON.stringify(value.slice(0, 24))})`
  if (typeof value === 'object' || typeof value === 'function') return value?.constructor?.name ?? typeof value
  if (typeof value === 'symbol') return 'symbol'
  return `${typeof value}(${String(value)})`
}

function fail(desc, reason) {
  process.stdout.write(`${JSON.stringify({ failure: { call: desc, reason }, stats })}\n`)
  process.exit(3)
}

/** Runs one call and checks that it returned or threw a JS Error. */
function check(name, desc, fn) {
  const padded = `${desc}\n`.padEnd(512)
  writeSync(trace, padded, 0)
  stats.calls++
  stats.byExport[name] = (stats.byExport[name] ?? 0) + 1
  let result
  try {
    result = fn()
  } catch (error) {
    if (!(error instanceof Error)) fail(desc, `threw a non-Error: ${describe(error)}`)
    if (typeof error.message !== 'string' || error.message.length === 0) fail(desc, 'Error without a message')
    stats.threw++
    return
  }
  if (result instanceof Promise) {
    // Only the *Async exports may return a promise; it must settle with a
    // value or an Error.
    if (!name.endsWith('Async')) fail(desc, 'returned a promise')
    pending.push(
      result.then(
        () => stats.resolved++,
        (error) => {
          if (!(error instanceof Error)) fail(desc, `rejected with a non-Error: ${describe(error)}`)
          stats.rejected++
        },
      ),
    )
  }
  stats.returned++
}

const pending = []
/** Waits for the promises of async exports so far. */
async function settle() {
  await Promise.all(pending.splice(0))
}

const functionNames = Object.keys(ours).filter((k) => typeof ours[k] === 'function' && !isClass(ours[k]))
const classNames = Object.keys(ours).filter((k) => isClass(ours[k]))

function isClass(value) {
  return (
    typeof value === 'function' &&
    value.prototype !== undefined &&
    Object.getOwnPropertyNames(value.prototype).some((k) => k !== 'constructor')
  )
}

function callFunction(name, args) {
  const desc = `${name}(${args.map(describe).join(', ')})`
  check(name, desc, () => ours[name](...args))
}

/** Valid arguments for `kinds`, then (mostly) one or two made malformed, some dropped, or extras added. */
function mutatedArgs(kinds) {
  const args = kinds.map(valid)
  const how = g.int(10)
  if (how === 0) {
    // valid arguments
  } else if (how <= 6 && args.length > 0) {
    for (let n = 1 + g.int(2); n > 0; n--) {
      const i = g.int(args.length)
      args[i] = malformed(kinds[i])
    }
  } else if (how === 7) {
    args.length = g.int(args.length + 1)
  } else {
    for (let n = 1 + g.int(3); n > 0; n--) args.push(v.wild())
  }
  return args
}

function typedCall() {
  if (classNames.length > 0 && g.int(10) === 0) return classCall()
  const name = g.pick(functionNames)
  callFunction(name, mutatedArgs(SIGNATURES[name] ?? ['bytes', 'bytes']))
}

function wildCall() {
  const name = g.pick(functionNames)
  const count = g.int(6)
  callFunction(name, Array.from({ length: count }, () => v.wild()))
}

/** Recent instances of every class: receivers of the wrong class for the others' methods. */
const instancePool = []

function classCall() {
  const name = g.pick(classNames)
  const Class = ours[name]
  const spec = CLASS_SPECS[name] ?? { ctor: [], methods: {} }
  const methods = Object.getOwnPropertyNames(Class.prototype).filter((k) => k !== 'constructor')
  let instance
  const ctorArgs = spec.ctor.map(valid)
  check(name, `new ${name}(valid)`, () => {
    instance = new Class(...ctorArgs)
  })
  if (instance) {
    instancePool.push(instance)
    if (instancePool.length > 16) instancePool.shift()
  }
  const argsFor = (method) =>
    spec.methods[method] ? mutatedArgs(spec.methods[method]) : Array.from({ length: g.int(4) }, () => v.wild())
  for (let i = 0; i < 1 + g.int(20); i++) {
    const method = g.pick(methods)
    const how = g.int(10)
    if (how === 0) {
      const args = argsFor(method)
      const receiver = g.pick([
        undefined,
        null,
        {},
        Class.prototype,
        ours,
        v.wild(),
        Object.create(Class.prototype),
        g.pick(instancePool),
      ])
      // The member itself (a method, or an accessor's getter), called on the receiver.
      const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, method)
      const member = descriptor.value ?? descriptor.get
      check(name, `${name}.${method}.call(${describe(receiver)}, ${args.map(describe)})`, () =>
        member.call(receiver, ...args),
      )
    } else if (how === 1) {
      const args = mutatedArgs(spec.ctor)
      check(name, `${name}(${args.map(describe)}) without new`, () => Class(...args))
    } else if (how === 2) {
      const args = mutatedArgs(spec.ctor)
      check(name, `new ${name}(${args.map(describe)})`, () => new Class(...args))
    } else if (instance) {
      const args = argsFor(method)
      check(name, `${name}#${method}(${args.map(describe)})`, () => {
        const result = instance[method](...args)
        if (result instanceof Class && g.int(2) === 0) instance = result
        return result
      })
    }
  }
}

function largeCalls() {
  const huge = new Uint8Array(64 * 1024 * 1024).fill(0x61)
  const calls = [
    ['blake3HashOnce', [huge]],
    ['encrypt', [huge, v.keySecret, v.nonce]],
    ['sign', [huge, utf8(v.signerSecret)]],
    ['getSignerId', [huge]],
    ['unsealForGroup', [huge, v.sealerSecret, huge]],
    ['verify', [huge, huge, huge]],
    ['shortHash', [Buffer.from(huge.buffer, 0, 16 * 1024 * 1024).toString('latin1')]],
    ['signAsync', [huge, utf8(v.signerSecret)]],
    ['verifyBatch', [[{ signature: v.signature, message: huge, signerId: v.signerId }]]],
  ].filter(([name]) => typeof ours[name] === 'function')
  for (const [name, args] of calls) callFunction(name, args)
  if (ours.Blake3Hasher) check('Blake3Hasher', 'Blake3Hasher#update(64 MiB)', () => new ours.Blake3Hasher().update(huge))
  if (fx) {
    const map = new ours.SessionMap(fx.coId, fx.headerJson)
    const text = Buffer.from(huge.buffer, 0, 64 * 1024 * 1024).toString('latin1')
    const hugeBatch = `[${'{"changes":"[]","madeAt":1,"privacy":"trusting"},'.repeat(800_000)}{"changes":"[]","madeAt":1,"privacy":"trusting"}]`
    const calls = [
      ['addTransactions(64 MiB text)', () => map.addTransactions(fx.sessionId, fx.signerId, text, fx.signature, false)],
      ['addTransactions(800k transactions)', () => map.addTransactions(fx.sessionId, fx.signerId, hugeBatch, fx.signature, false)],
      ['addTransactions(800k transactions, skipVerify)', () => map.addTransactions(fx.sessionId, fx.signerId, hugeBatch, fx.signature, true)],
      ['makeNewTrustingTransaction(64 MiB changes)', () => map.makeNewTrustingTransaction(fx.sessionId, fx.signerSecret, text, null, 1)],
      ['new SessionMap(64 MiB header)', () => new ours.SessionMap(fx.coId, text)],
      ['setStreamingKnownState(64 MiB)', () => map.setStreamingKnownState(text)],
    ]
    for (const [desc, fn] of calls) check('SessionMap', desc, fn)
  }
  return calls.length
}

if (mode === 'large') {
  largeCalls()
} else {
  const step = { typed: typedCall, wild: wildCall, classes: classCall }[mode]
  if (!step) fail('-', `unknown mode ${mode}`)
  while (Date.now() < deadline) {
    step()
    if (pending.length >= 200) await settle()
  }
}
await settle()
process.stdout.write(`${JSON.stringify({ stats })}\n`)
