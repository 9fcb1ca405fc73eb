// Child process of mid-call.test.mjs: JS that runs in the middle of a call
// (getters, proxy traps, conversions) and resizes, transfers or frees a buffer
// the call has already read. Run with --expose-gc.
//
//   node --expose-gc mid-call-child.mjs <mode> <loader> <traceFile> [action]
//
// Modes: batch (verifyBatch/verifyBatchAsync, one action on an earlier
// item's buffer from each place JS can run), lengths (huge, lying and
// changing lengths), coercion (every other export: no argument conversion
// runs JS). <loader> is `index` (index.js) or `raw` (the .node file through
// process.dlopen, without index.js). Prints one JSON line: the cases, each
// with what the call gave (`got`) and what it must give (`expected`); the
// parent compares them. Before each call its name is written to <traceFile>,
// so after a crash the parent can say which case it was.
import { createRequire } from 'node:module'
import { openSync, writeSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { base58 } from '@scure/base'
import { SIGNATURES, sessionFixture } from './fuzz-values.mjs'
import { generator, utf8 } from './common.mjs'

const [mode, loader, traceFile, action] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('../../', import.meta.url))
const ref = require('cojson-core-napi')
const ours = load(loader)
const trace = openSync(traceFile, 'w')

/**
 * The addon through index.js, or the bare binary as a runtime loads it
 * (common.mjs has loaded index.js too; this is a second instance).
 */
function load(how) {
  if (how === 'index') return require('../../index.js')
  const file = readdirSync(root).find((name) => /^cojson-native\..+\.node$/.test(name))
  const module = { exports: {} }
  process.dlopen(module, `${root}${file}`)
  return module.exports
}

/** The cap on items per call that the addon documents. */
export const MAX_BATCH_ITEMS = 1_048_576

const g = generator(7_007)
const secrets = Array.from({ length: 3 }, () => utf8(`signerSecret_z${base58.encode(g.bytes(32))}`))
const ids = secrets.map((secret) => ref.getSignerId(secret))
/** Large enough that a freed buffer is unmapped, not kept in a malloc arena. */
const BIG = 1 << 20

function note(name) {
  writeSync(trace, `${name}\n`, 0)
}

/** What a call gave: its value, or the kind of error it threw or rejected with. */
async function outcome(call) {
  try {
    const value = await call()
    return { value }
  } catch (error) {
    if (!(error instanceof Error)) return { thrownNonError: String(error) }
    return { error: { name: error.name, code: error.code ?? null, message: error.message } }
  }
}

/** A signed item whose message fills `buffer` (`length` bytes of it, or all of it, length-tracking). */
function itemOn(buffer, k, length) {
  const message = length === undefined ? new Uint8Array(buffer) : new Uint8Array(buffer, 0, length)
  for (let i = 0; i < message.length; i += 4093) message[i] = g.int(256)
  const copy = Uint8Array.from(message)
  const signature = ref.sign(copy, secrets[k])
  return { item: { signature, message, signerId: ids[k] }, signature, copy, k }
}

/**
 * What each item must give: the reference's `verify` on its bytes as they
 * were when read (reads no item property, so it triggers no getter).
 */
const referenceVerdicts = (entries) =>
  entries.map(({ signature, copy, k }) => ref.verify(utf8(signature), copy, utf8(ids[k])))

/** The ways JS run mid-call can take an earlier item's buffer away. */
const ACTIONS = {
  resize: { resizable: true, run: (buffer) => buffer.resize(0) },
  shrink: { resizable: true, run: (buffer) => buffer.resize(buffer.byteLength >> 1) },
  grow: { resizable: true, run: (buffer) => buffer.resize(buffer.maxByteLength) },
  transfer: { resizable: false, run: (buffer) => structuredClone(buffer, { transfer: [buffer] }) },
  free: {
    resizable: false,
    run: (buffer) => {
      structuredClone(buffer, { transfer: [buffer] })
      globalThis.gc()
    },
  },
  overwrite: { resizable: false, run: (buffer) => new Uint8Array(buffer).fill(0) },
}

function bufferFor(spec, size) {
  return spec.resizable ? new ArrayBuffer(size, { maxByteLength: 2 * size }) : new ArrayBuffer(size)
}

/**
 * Three items; item 0's buffer is taken away from the place named, which JS
 * reaches only after item 0's message was read. Items 1 and 2 keep their
 * own buffers; `shared` gives item 1 a length-tracking view of item 0's
 * buffer, signed over the half that a `shrink` leaves.
 */
function batchCase(spec, place) {
  const first = bufferFor(spec, BIG)
  const entries = [itemOn(first, 0), itemOn(new ArrayBuffer(64), 1), itemOn(new ArrayBuffer(4096), 2)]
  const hit = () => spec.run(first)
  const getterOn = (target, key) => {
    const value = target[key]
    Object.defineProperty(target, key, { enumerable: true, get: () => (hit(), value) })
  }
  let items = entries.map((e) => e.item)
  switch (place) {
    case 'later item: signature getter':
      getterOn(items[1], 'signature')
      break
    case 'later item: message getter':
      getterOn(items[1], 'message')
      break
    case 'later item: signerId getter':
      getterOn(items[1], 'signerId')
      break
    case 'same item: signerId getter':
      getterOn(items[0], 'signerId')
      break
    case 'array element getter':
      getterOn(items, '1')
      break
    case 'later item is a proxy':
      items[1] = new Proxy(items[1], { get: (t, key) => (key === 'signature' && hit(), t[key]) })
      break
    case 'items array is a proxy':
      items = new Proxy(items, { get: (t, key) => (key === '1' && hit(), t[key]) })
      break
    case 'later item shares the buffer': {
      // Item 1 sees the first half through a length-tracking view, signed over
      // that half; its signature getter shrinks the buffer to that half.
      const view = new Uint8Array(first)
      const half = view.slice(0, BIG >> 1)
      const signature = ref.sign(half, secrets[1])
      entries[1] = { item: { signature, message: view, signerId: ids[1] }, signature, copy: half, k: 1 }
      items[1] = entries[1].item
      getterOn(items[1], 'signature')
      break
    }
    default:
      throw new Error(`unknown place ${place}`)
  }
  return { items, expected: referenceVerdicts(entries) }
}

const PLACES = [
  'later item: signature getter',
  'later item: message getter',
  'later item: signerId getter',
  'same item: signerId getter',
  'array element getter',
  'later item is a proxy',
  'items array is a proxy',
]

async function batchCases() {
  const spec = ACTIONS[action]
  const places = action === 'shrink' ? [...PLACES, 'later item shares the buffer'] : PLACES
  const cases = []
  for (const fn of ['verifyBatch', 'verifyBatchAsync']) {
    for (const place of places) {
      const name = `${fn}, ${action} from ${place}`
      const { items, expected } = batchCase(spec, place)
      note(name)
      cases.push({ name, got: await outcome(() => ours[fn](items)), expected: { value: expected } })
    }
  }
  return cases
}

/** A valid item on its own small buffer. */
const validItem = (k = 0) => itemOn(new ArrayBuffer(32), k).item

function rangeError(shown) {
  return {
    error: {
      name: 'RangeError',
      code: 'ERR_OUT_OF_RANGE',
      message: `items.length must be an integer from 0 to ${MAX_BATCH_ITEMS}, got ${shown}`,
    },
  }
}

function itemError(index) {
  return {
    error: {
      name: 'Error',
      code: 'InvalidArg',
      message: `Invalid batch item ${index}: expected an object { signature, message, signerId }`,
    },
  }
}

/** A proxy of `[]` that reports `length` (a value, or a function of the read count). */
function lyingLength(length) {
  let reads = 0
  return new Proxy([], {
    get: (t, key) => {
      if (key !== 'length') return t[key]
      reads++
      return typeof length === 'function' ? length(reads) : length
    },
  })
}

function lengthCases() {
  const three = () => [validItem(0), validItem(1), validItem(2)]
  const list = [
    ['new Array(2 ** 32 - 1)', () => new Array(2 ** 32 - 1), rangeError(2 ** 32 - 1)],
    ['{ length: 2 ** 32 - 1 }', () => ({ length: 2 ** 32 - 1 }), rangeError(2 ** 32 - 1)],
    ['proxy reporting length 2 ** 32 - 1', () => lyingLength(2 ** 32 - 1), rangeError(2 ** 32 - 1)],
    ['proxy reporting length 2 ** 53', () => lyingLength(2 ** 53), rangeError(2 ** 53)],
    ['proxy reporting length Infinity', () => lyingLength(Infinity), rangeError(Infinity)],
    ['proxy reporting length NaN', () => lyingLength(NaN), rangeError(NaN)],
    ['proxy reporting length -1', () => lyingLength(-1), rangeError(-1)],
    ['proxy reporting length 1.5', () => lyingLength(1.5), rangeError(1.5)],
    ['array one past the cap', () => new Array(MAX_BATCH_ITEMS + 1), rangeError(MAX_BATCH_ITEMS + 1)],
    ['array-like one past the cap', () => ({ length: MAX_BATCH_ITEMS + 1, 0: validItem() }), rangeError(MAX_BATCH_ITEMS + 1)],
    // At the cap the length is accepted; the first hole is then refused.
    ['sparse array at the cap', () => new Array(MAX_BATCH_ITEMS), itemError(0)],
    ['array-like at the cap', () => ({ length: MAX_BATCH_ITEMS, 0: validItem() }), itemError(1)],
    ['array-like of two', () => ({ length: 2, 0: validItem(0), 1: validItem(1) }), { value: [true, true] }],
    ['proxy of an array', () => new Proxy(three(), {}), { value: [true, true, true] }],
    [
      'a getter appends elements: they are not read',
      () => {
        const items = three()
        const second = items[1]
        Object.defineProperty(items, '1', { get: () => (items.push(...three(), null), second) })
        return items
      },
      { value: [true, true, true] },
    ],
    [
      'a getter shortens the array: the missing item is refused',
      () => {
        const items = three()
        Object.defineProperty(items[1], 'signerId', { get: () => ((items.length = 2), ids[1]) })
        return items
      },
      itemError(2),
    ],
    [
      'a getter sets length to 2 ** 32 - 1: not read',
      () => {
        const items = three()
        Object.defineProperty(items[1], 'signerId', { get: () => ((items.length = 2 ** 32 - 1), ids[1]) })
        return items
      },
      { value: [true, true, true] },
    ],
    [
      'a getter that throws: its error is what the call throws',
      () => {
        const items = three()
        Object.defineProperty(items[1], 'message', {
          get: () => {
            throw new TypeError('thrown by a getter')
          },
        })
        return items
      },
      { error: { name: 'TypeError', code: null, message: 'thrown by a getter' } },
    ],
    [
      'a proxy whose length grows on every read: read once',
      () => {
        const items = three()
        let reads = 0
        return new Proxy(items, { get: (t, key) => (key === 'length' ? (reads++ === 0 ? 3 : 2 ** 32 - 1) : t[key]) })
      },
      { value: [true, true, true] },
    ],
  ]
  return list
}

async function lengthCasesRun() {
  const cases = []
  for (const fn of ['verifyBatch', 'verifyBatchAsync']) {
    for (const [label, make, expected] of lengthCases()) {
      const name = `${fn}: ${label}`
      note(name)
      cases.push({ name, got: await outcome(() => ours[fn](make())), expected })
    }
  }
  return cases
}

/**
 * Values whose every conversion hook (valueOf, toString, Symbol.toPrimitive,
 * getters, proxy traps) counts its call and takes the other arguments'
 * buffers away. No argument of any export other than `verifyBatch`'s items
 * and `WorkerHandle`'s options may trigger one.
 */
function traps(onHook) {
  const hook = (what) => () => onHook(what)
  const conversions = {
    valueOf: () => (hook('valueOf')(), 1),
    toString: () => (hook('toString')(), 'x'),
    [Symbol.toPrimitive]: () => (hook('toPrimitive')(), 1),
  }
  for (const key of ['length', 'byteLength', 'byteOffset', 'buffer', '0']) {
    Object.defineProperty(conversions, key, { get: () => (hook(`get ${key}`)(), 1) })
  }
  const handler = {}
  for (const trap of ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'apply', 'defineProperty', 'set']) {
    handler[trap] = (...args) => (hook(`proxy ${trap}`)(), Reflect[trap](...args))
  }
  return [conversions, new Proxy(new Uint8Array(32), handler), new Proxy({}, handler)]
}

/** Valid arguments, every byte argument a length-tracking view of a resizable buffer. */
function validArgs(kinds, fx, buffers) {
  const b58 = (n) => base58.encode(g.bytes(n))
  const signer = utf8(`signerSecret_z${b58(32)}`)
  const sealer = `sealerSecret_z${b58(32)}`
  const TEXT = {
    keySecret: `keySecret_z${b58(32)}`,
    sealerSecret: sealer,
    sealerId: ref.getSealerId(utf8(sealer)),
    json: '{"a":1}',
  }
  const key32 = g.bytes(32)
  const BYTES = {
    bytes: utf8('message'),
    nonce: utf8('nonce material'),
    key32,
    x25519Pub: ref.x25519PublicKey(g.bytes(32)),
    edPub: ref.ed25519SigningKeyToPublic(key32),
    sig64: ref.ed25519Sign(key32, utf8('message')),
    sealed: new Uint8Array(64),
    sealedGroup: new Uint8Array(80),
    sealerSecretUtf8: utf8(sealer),
    signerSecretUtf8: signer,
    signatureUtf8: utf8(ref.sign(utf8('message'), signer)),
    signerIdUtf8: utf8(ref.getSignerId(signer)),
  }
  return kinds.map((kind) => {
    if (kind in TEXT) return TEXT[kind]
    if (kind in fx) return fx[kind]
    const bytes = BYTES[kind]
    const buffer = new ArrayBuffer(bytes.length, { maxByteLength: BIG })
    buffers.push(buffer)
    const view = new Uint8Array(buffer)
    view.set(bytes)
    return view
  })
}

/** Every export and method whose arguments napi-rs or the addon converts. */
function callables(fx) {
  const list = []
  for (const [name, kinds] of Object.entries(SIGNATURES)) {
    if (name === 'verifyBatch' || name === 'verifyBatchAsync' || kinds.length === 0) continue
    list.push({ name, kinds, call: (args) => ours[name](...args) })
  }
  const engine = new ours.NativeCryptoEngine()
  const engineMethods = {
    decrypt: ['bytes', 'keySecret', 'text'],
    unseal: ['sealed', 'sealerSecret', 'sealerId', 'text'],
    unsealForGroup: ['sealedGroup', 'sealerSecret', 'text'],
    blake3HashOnce: ['bytes'],
    blake3HashOnceWithContext: ['bytes', 'bytes'],
    sign: ['keySecret', 'text'],
    verify: ['text', 'text', 'text'],
    encrypt: ['text', 'keySecret', 'text'],
    seal: ['text', 'sealerSecret', 'sealerId', 'text'],
    record: ['operation', 'number'],
  }
  for (const [method, kinds] of Object.entries(engineMethods)) {
    list.push({ name: `NativeCryptoEngine#${method}`, kinds, call: (args) => engine[method](...args) })
  }
  list.push({ name: 'new NativeCryptoEngine', kinds: ['number'], call: (args) => new ours.NativeCryptoEngine(...args) })
  list.push({ name: 'Blake3Hasher#update', kinds: ['bytes'], call: (args) => new ours.Blake3Hasher().update(...args) })
  const map = () => new ours.SessionMap(fx.coId, fx.headerJson)
  const mapMethods = {
    addTransactions: ['sessionId', 'signerId', 'transactionsJson', 'signature', 'bool'],
    getTransaction: ['sessionId', 'number'],
    getSessionTransactions: ['sessionId', 'number'],
    getSignatureAfter: ['sessionId', 'number'],
    decryptTransaction: ['sessionId', 'number', 'keySecret'],
    setStreamingKnownState: ['text'],
  }
  for (const [method, kinds] of Object.entries(mapMethods)) {
    list.push({ name: `SessionMap#${method}`, kinds, call: (args) => map()[method](...args) })
  }
  list.push({ name: 'new SessionMap', kinds: ['coId', 'headerJson', 'number', 'bool'], call: (args) => new ours.SessionMap(...args) })
  list.push({
    name: 'new WorkerHandle (option values)',
    kinds: ['text', 'text', 'number'],
    call: ([accountID, accountSecret, keyCacheSize]) => new ours.WorkerHandle({ accountID, accountSecret, keyCacheSize }),
  })
  return list
}

async function coercionCases() {
  const fxBase = sessionFixture(ours, generator(99))
  const fx = { ...fxBase, text: 'x', number: 1, bool: false, operation: 0 }
  const cases = []
  for (const { name, kinds, call } of callables(fx)) {
    for (let position = 0; position < kinds.length; position++) {
      const buffers = []
      const args = validArgs(kinds, fx, buffers)
      const hooks = []
      const takeAway = (what) => {
        hooks.push(what)
        for (const buffer of buffers) buffer.resize(0)
      }
      for (const [t, trap] of traps(takeAway).entries()) {
        const label = `${name} argument ${position}, trap value ${t}`
        note(label)
        const got = await outcome(() => call(args.map((a, i) => (i === position ? trap : a))))
        // What matters is that no hook ran; the call itself must throw (a trap
        // value is never a valid argument) or, at worst, return.
        cases.push({ name: label, got: { hooks: [...hooks], threw: 'error' in got }, expected: { hooks: [], threw: true } })
      }
    }
  }
  return cases
}

const run = { batch: batchCases, lengths: lengthCasesRun, coercion: coercionCases }[mode]
const cases = await run()
console.log(JSON.stringify({ cases }))
