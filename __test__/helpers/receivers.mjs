// The wrong-receiver matrix, shared by `__test__/receivers.test.mjs` (Node,
// through index.js and through the raw `.node` file) and the Bun and Deno
// smoke test in scripts/test-runtimes.mjs. Plain JS with no test framework, so
// every runtime can import it.
//
// Every method and accessor of every class is called with `this` set to
// something that is not an instance of that class: a plain object, objects
// made from the prototype or from a genuine instance, the prototype itself, a
// typed array, an instance of each other class, and any extra receivers the
// caller brings (instances from another load of the binary, or from another
// addon). Each call must throw a TypeError, or a plain Error with napi-rs's
// type-tag message, before native code reads the object: without the check a
// getter would read another object's memory (or crash).

export const ACCOUNT = 'co_z' + '2'.repeat(22)
export const SECRET = `sealerSecret_z${'3'.repeat(44)}/signerSecret_z${'4'.repeat(44)}`
export const HEADER = '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":null}'

/** One live instance of each class of `binding`, keyed by class name. */
export function instancesOf(binding) {
  return {
    Blake3Hasher: new binding.Blake3Hasher(),
    NativeCryptoEngine: new binding.NativeCryptoEngine(),
    SessionMap: new binding.SessionMap('co_zx', HEADER, null, true),
    SessionLog: new binding.SessionLog('co_zx', 'co_zx_session_zy'),
    WorkerHandle: new binding.WorkerHandle({ accountID: ACCOUNT, accountSecret: SECRET }),
  }
}

/** Every callable member of a class: `[label, function, key]` for methods, getters and setters. */
export function membersOf(Class) {
  const out = []
  for (const key of Reflect.ownKeys(Class.prototype)) {
    if (key === 'constructor') continue
    const d = Reflect.getOwnPropertyDescriptor(Class.prototype, key)
    if (typeof d.value === 'function') out.push([`${String(key)}()`, d.value, key])
    if (d.get) out.push([`get ${String(key)}`, d.get, null])
    if (d.set) out.push([`set ${String(key)}`, d.set, null])
  }
  return out
}

const s = 'x'
const bytes = () => new Uint8Array(32)
/**
 * Arguments of the right JS types for every method, so that argument
 * conversion cannot be what throws: runtimes that do not check receivers
 * themselves (Bun, Deno) convert arguments before `this` is unwrapped, and a
 * call refused for its arguments would prove nothing about the receiver.
 * Values need not be valid (ids and keys are parsed after the receiver check).
 */
export const METHOD_ARGS = {
  'Blake3Hasher.update': () => [bytes()],
  'NativeCryptoEngine.signerId': () => [s],
  'NativeCryptoEngine.sealerId': () => [s],
  'NativeCryptoEngine.agentId': () => [s],
  'NativeCryptoEngine.sign': () => [s, s],
  'NativeCryptoEngine.verify': () => [s, s, s],
  'NativeCryptoEngine.encrypt': () => [s, s, s],
  'NativeCryptoEngine.decrypt': () => [bytes(), s, s],
  'NativeCryptoEngine.seal': () => [s, s, s, s],
  'NativeCryptoEngine.unseal': () => [bytes(), s, s, s],
  'NativeCryptoEngine.sealForGroup': () => [s, s, s],
  'NativeCryptoEngine.unsealForGroup': () => [bytes(), s, s],
  'NativeCryptoEngine.secureHash': () => [s],
  'NativeCryptoEngine.shortHash': () => [s],
  'NativeCryptoEngine.blake3HashOnce': () => [bytes()],
  'NativeCryptoEngine.blake3HashOnceWithContext': () => [bytes(), bytes()],
  'NativeCryptoEngine.createSessionMap': () => [s, s, null, true],
  'NativeCryptoEngine.record': () => [0, 0],
  'SessionMap.addTransactions': () => [s, null, s, s, true],
  'SessionMap.makeNewPrivateTransaction': () => [s, s, s, s, s, null, 0],
  'SessionMap.makeNewTrustingTransaction': () => [s, s, s, null, 0],
  'SessionMap.getTransactionCount': () => [s],
  'SessionMap.getTransaction': () => [s, 0],
  'SessionMap.getSessionTransactions': () => [s, 0],
  'SessionMap.getLastSignature': () => [s],
  'SessionMap.getSignatureAfter': () => [s, 0],
  'SessionMap.getLastSignatureCheckpoint': () => [s],
  'SessionMap.setStreamingKnownState': () => [s],
  'SessionMap.decryptTransaction': () => [s, 0, s],
  'SessionMap.decryptTransactionMeta': () => [s, 0, s],
  'SessionLog.tryAdd': () => [[s], s, true],
  'SessionLog.addNewPrivateTransaction': () => [s, s, s, s, 0, null],
  'SessionLog.addNewTrustingTransaction': () => [s, s, 0, null],
  'SessionLog.addExistingPrivateTransaction': () => [s, s, 0, null],
  'SessionLog.addExistingTrustingTransaction': () => [s, 0, null],
  'SessionLog.commitTransactions': () => [s, true],
  'SessionLog.decryptNextTransactionChangesJson': () => [0, s],
  'SessionLog.decryptNextTransactionMetaJson': () => [0, s],
}

/** The arguments to call `Class.member` with: from METHOD_ARGS, none for the rest (checked by `declaredArities`). */
function argsFor(className, key) {
  const make = METHOD_ARGS[`${className}.${key}`]
  return make ? make() : []
}

/** Whether `error` is the refusal of a wrong receiver (V8's or napi-rs's type-tag check). */
export function isReceiverRefusal(error) {
  if (error instanceof TypeError) return true
  return (
    error instanceof Error &&
    /is not an instance of class|Illegal invocation|Failed to recover|Failed to unwrap/.test(error.message)
  )
}

/**
 * Calls every member of every class of `binding` on every wrong receiver.
 * `extra` is a list of `[label, value]` receivers to add to each class's list
 * (those whose constructor has the called class's name are skipped). Returns
 * `{ calls, failures }`; `failures` lists `class member on receiver: what happened`.
 */
export function wrongReceiverCalls(binding, extra = []) {
  const live = instancesOf(binding)
  const failures = []
  let calls = 0
  for (const [name, instance] of Object.entries(live)) {
    const Class = binding[name]
    const wrong = [
      ['a plain object', {}],
      ['Object.create(prototype)', Object.create(Class.prototype)],
      ['Object.create(instance)', Object.create(instance)],
      ['the prototype', Class.prototype],
      ['a Uint8Array', new Uint8Array(64)],
      ['a function', function () {}],
      ...Object.entries(live)
        .filter(([other]) => other !== name)
        .map(([other, value]) => [`a ${other}`, value]),
      // An instance of the same class from another load of this binary is
      // the same native type, so it is not a wrong receiver.
      ...extra.filter(([, value]) => value.constructor.name !== name),
    ]
    for (const [member, fn, key] of membersOf(Class)) {
      for (const [what, receiver] of wrong) {
        calls++
        let outcome
        try {
          outcome = { value: Reflect.apply(fn, receiver, argsFor(name, key)) }
        } catch (error) {
          if (isReceiverRefusal(error)) continue
          outcome = { error }
        }
        const shown = 'error' in outcome ? `threw ${outcome.error}` : `returned ${String(outcome.value).slice(0, 40)}`
        failures.push(`${name} ${member} on ${what}: ${shown}`)
      }
    }
  }
  return { calls, failures }
}

/** Genuine instances keep working: constructed, subclassed, returned by a method. */
export function genuineInstancesWork(binding) {
  const live = instancesOf(binding)
  const handle = live.WorkerHandle
  const problems = []
  const expect = (what, ok) => {
    if (!ok) problems.push(what)
  }
  expect('accountID', handle.accountID === ACCOUNT)
  expect('uptimeMs', typeof handle.uptimeMs === 'number')
  class MyHandle extends binding.WorkerHandle {}
  const mine = new MyHandle({ accountID: ACCOUNT, accountSecret: SECRET })
  expect('subclass getter', mine.agentID === handle.agentID)
  const engine = handle.cryptoEngine()
  // After another load of the binary in the same thread, napi-rs makes returned
  // instances with the classes of the latest load: same native type, other
  // JS constructor. So check the class by name and by behaviour.
  expect('cryptoEngine() is an engine', engine.constructor.name === 'NativeCryptoEngine')
  expect('engine works', typeof engine.signerId(SECRET.split('/')[1]) === 'string')
  const hasher = live.Blake3Hasher
  hasher.update(new Uint8Array([1, 2, 3]))
  const copy = hasher.clone()
  expect('clone() is a hasher', copy.constructor.name === 'Blake3Hasher')
  const a = Array.from(copy.finalize()).join(',')
  const b = Array.from(binding.blake3HashOnce(new Uint8Array([1, 2, 3]))).join(',')
  expect('clone() hashes', a === b)
  expect('SessionMap works', live.SessionMap.getHeader().length > 0)
  const log = live.SessionLog.clone()
  expect('clone() is a session log', log.constructor.name === 'SessionLog')
  expect('SessionLog works', log.addNewTrustingTransaction('[1]', 'signerSecret_z' + '4'.repeat(44), 1, null).startsWith('signature_z'))
  handle.close()
  mine.close()
  expect('isClosed', handle.isClosed === true)
  return problems
}
