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
import { values, SIGNATURES, BAD_NUMBERS, sessionFixture } from './fuzz-values.mjs'

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

const SESSION_KINDS = Object.fromEntries(
  ['coId', 'headerJson', 'maxTxSize', 'bool', 'sessionId', 'signerIdText', 'txJson', 'signatureText', 'signerSecretText',
    'changesJson', 'keyId', 'metaJson', 'madeAt', 'index', 'streamingJson'].map((k) => [k, true]),
)
const fx = ours.SessionMap ? sessionFixture(ours, g) : null

/** Classes: how to make a usable instance, and each method's argument kinds. */
const CLASS_SPECS = {
  Blake3Hasher: { ctor: [], methods: { update: ['bytes'], finalize: [], clone: [] } },
  SessionMap: {
    ctor: ['coId', 'headerJson', 'maxTxSize', 'bool'],
    methods: {
      getHeader: [],
      addTransactions: ['sessionId', 'signerIdText', 'txJson', 'signatureText', 'bool'],
      makeNewPrivateTransaction: ['sessionId', 'signerSecretText', 'changesJson', 'keyId', 'keySecret', 'metaJson', 'madeAt'],
      makeNewTrustingTransaction: ['sessionId', 'signerSecretText', 'changesJson', 'metaJson', 'madeAt'],
      getSessionIds: [],
      getTransactionCount: ['sessionId'],
      getTransaction: ['sessionId', 'index'],
      getSessionTransactions: ['sessionId', 'index'],
      getLastSignature: ['sessionId'],
      getSignatureAfter: ['sessionId', 'index'],
      getLastSignatureCheckpoint: ['sessionId'],
      getKnownState: [],
      getKnownStateWithStreaming: [],
      isStreaming: [],
      setStreamingKnownState: ['streamingJson'],
      markAsDeleted: [],
      isDeleted: [],
      decryptTransaction: ['sessionId', 'index', 'keySecret'],
      decryptTransactionMeta: ['sessionId', 'index', 'keySecret'],
    },
  },
}

/** Valid values of the SessionMap argument kinds (texts, not bytes). */
function validSession(kind) {
  switch (kind) {
    case 'coId':
      return fx.coId
    case 'headerJson':
      return fx.headerJson
    case 'maxTxSize':
      return g.pick([undefined, null, 0, 100, 102400])
    case 'bool':
      return g.int(2) === 0
    case 'sessionId':
      return g.int(4) === 0 ? `${fx.sessionId.slice(0, -2)}${g.int(10)}` : fx.sessionId
    case 'signerIdText':
      return g.int(8) === 0 ? null : fx.signerId
    case 'txJson':
      return g.int(3) === 0 ? `[${fx.transactions[0]}]` : fx.transactionsJson
    case 'signatureText':
      return fx.signature
    case 'signerSecretText':
      return fx.signerSecret
    case 'changesJson':
      return JSON.stringify([{ op: 'set', key: g.text(5), value: g.text(g.int(30)) }])
    case 'keyId':
      return fx.keyId
    case 'metaJson':
      return g.pick([null, undefined, '{"m":1}'])
    case 'madeAt':
      return 1700000000000 + g.int(1000)
    case 'index':
      return g.int(4)
    case 'streamingJson':
      return JSON.stringify({ [fx.sessionId]: g.int(5) })
    default:
      return undefined
  }
}

/** Malformed values of the SessionMap argument kinds. */
function malformedSession(kind) {
  switch (kind) {
    case 'maxTxSize':
    case 'madeAt':
    case 'index':
      return g.pick([...BAD_NUMBERS, '1', 1n, -5, 2 ** 53 - 1, 2 ** 64])
    case 'coId':
    case 'sessionId':
    case 'keyId':
      return g.pick(['', '"', 'a"b', 'a\\b', '\u0000', 'x'.repeat(2000), '\ud800', `${fx.sessionId}\n`, v.badText(fx.coId)])
    case 'signerIdText':
      return v.badText(fx.signerId)
    case 'signatureText':
      return v.badText(fx.signature)
    case 'signerSecretText':
      return v.badText(fx.signerSecret)
    case 'txJson':
      return g.pick(badTransactions())
    case 'headerJson':
      return g.pick([
        v.json(),
        v.deepJson(g.pick([100, 10_000]), g.int(2) === 0),
        fx.headerJson.replace('comap', 'costream'),
        JSON.stringify({ ...fx.header, extra: 1 }),
        JSON.stringify({ ...fx.header, uniqueness: { '': 1 } }),
        JSON.stringify({ ...fx.header, meta: { n: 1e308, m: -0, d: 0.1 } }),
        '{"type":"comap"}',
      ])
    case 'changesJson':
    case 'metaJson':
    case 'streamingJson':
      return g.pick([v.json(), v.deepJson(g.pick([100, 10_000]), g.int(2) === 0), 'x'.repeat(1024 * 1024 + 1), '{"s":-1}', '{"s":1e99}', '{"s":"x"}'])
    default:
      return v.wild()
  }
}

/** Received transaction batches that are wrong in one way each. */
function badTransactions() {
  const [first, second] = fx.transactions.map((t) => JSON.parse(t))
  const big = (n) => Array.from({ length: n }, () => first)
  return [
    '[',
    '[]',
    '{}',
    'null',
    `[${fx.transactions[0]}`,
    `${fx.transactionsJson} `,
    JSON.stringify([{ ...first, madeAt: -1 }]),
    JSON.stringify([{ ...first, madeAt: 2 ** 64 }]),
    JSON.stringify([{ ...first, madeAt: 1.5 }]),
    JSON.stringify([{ ...first, madeAt: '1' }]),
    JSON.stringify([{ ...first, privacy: 'private' }]),
    JSON.stringify([{ ...first, extra: true }]),
    JSON.stringify([{ ...first, meta: null }]),
    JSON.stringify([{ ...second, encryptedChanges: 'encrypted_U!!' }]),
    JSON.stringify([{ ...second, encryptedChanges: 'plain' }]),
    JSON.stringify([{ ...second, keyUsed: 5 }]),
    JSON.stringify([{ ...first, changes: 'x'.repeat(1024 * 1024 + 1) }]),
    JSON.stringify(big(5000)),
    JSON.stringify([first, first, first]),
    v.deepJson(10_000),
  ]
}

/** Items for verifyBatch: some verify, some do not. */
function validBatch() {
  const item = () => ({ signature: v.signature, message: utf8(g.int(2) === 0 ? 'm' : 'n'), signerId: v.signerId })
  return Array.from({ length: g.int(6) }, item)
}

function malformedBatch() {
  const item = { signature: v.signature, message: utf8('m'), signerId: v.signerId }
  return g.pick([
    () => v.wild(),
    () => [v.wild()],
    () => [item, null],
    () => [{}],
    () => [{ ...item, signature: v.badText(v.signature) }],
    () => [{ ...item, signerId: v.badText(v.signerId) }],
    () => [{ ...item, signerId: `signer_z${'1'.repeat(32)}` }],
    () => [{ ...item, message: v.wild() }],
    () => [{ ...item, signature: utf8(v.signature) }],
    () => Array(g.pick([1000, 20_000])).fill(item),
    () => ({ length: 3, 0: item }),
  ])()
}

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
  const argsFor = (method) =>
    spec.methods[method] ? mutatedArgs(spec.methods[method]) : Array.from({ length: g.int(4) }, () => v.wild())
  for (let i = 0; i < 1 + g.int(20); i++) {
    const method = g.pick(methods)
    const how = g.int(10)
    if (how === 0) {
      const args = argsFor(method)
      const receiver = g.pick([undefined, null, {}, Class.prototype, ours, v.wild(), Object.create(Class.prototype)])
      check(name, `${name}.${method}.call(${describe(receiver)}, ${args.map(describe)})`, () =>
        Class.prototype[method].call(receiver, ...args),
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
