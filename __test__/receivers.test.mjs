// Wrong receivers: every method and accessor of every class, called with
// `this` set to a plain object, a fake made from the class's prototype, the
// prototype itself, or an instance of each other class, throws a TypeError
// before any native code reads the object (a wrong wrapped object would
// otherwise be read as the class's own memory). Genuine instances (built by
// the constructor, a subclass, or returned by a method) keep working.
// receiver-guard.js's mode for runtimes that do not check method receivers
// (Bun, Deno; also run there by scripts/test-runtimes.mjs) is tested here on
// a stand-in binding.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ours = require('../index.js')
const { guardReceivers } = require('../receiver-guard.js')

const ACCOUNT = 'co_z' + '2'.repeat(22)
const SECRET = `sealerSecret_z${'3'.repeat(44)}/signerSecret_z${'4'.repeat(44)}`
const HEADER = '{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":null}'

function instances() {
  const handle = new ours.WorkerHandle({ accountID: ACCOUNT, accountSecret: SECRET })
  return {
    Blake3Hasher: new ours.Blake3Hasher(),
    NativeCryptoEngine: new ours.NativeCryptoEngine(),
    SessionMap: new ours.SessionMap('co_zx', HEADER, null, true),
    WorkerHandle: handle,
  }
}

/** Every callable member of a class: methods, getters and setters. */
function members(Class) {
  const out = []
  for (const key of Reflect.ownKeys(Class.prototype)) {
    if (key === 'constructor') continue
    const d = Reflect.getOwnPropertyDescriptor(Class.prototype, key)
    if (typeof d.value === 'function') out.push([`${String(key)}()`, d.value])
    if (d.get) out.push([`get ${String(key)}`, d.get])
    if (d.set) out.push([`set ${String(key)}`, d.set])
  }
  return out
}

test('every declared class is covered, and exported as itself or its branding constructor', () => {
  const declared = [...readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8').matchAll(/export declare class (\w+)/g)]
    .map((m) => m[1])
    .sort()
  assert.deepEqual(Object.keys(instances()).sort(), declared)
  for (const name of declared) {
    // The exported constructor is the branding one, and instances point back to it.
    assert.equal(ours[name].prototype.constructor, ours[name], name)
  }
})

test('a wrong receiver makes every member throw a TypeError', () => {
  const live = instances()
  let calls = 0
  for (const [name, instance] of Object.entries(live)) {
    const Class = ours[name]
    const wrong = [
      ['a plain object', {}],
      ['Object.create(prototype)', Object.create(Class.prototype)],
      ['the prototype', Class.prototype],
      ['a Uint8Array', new Uint8Array(64)],
      ...Object.entries(live)
        .filter(([other]) => other !== name)
        .map(([other, value]) => [`a ${other}`, value]),
    ]
    for (const [member, fn] of members(Class)) {
      for (const [what, receiver] of wrong) {
        assert.throws(() => Reflect.apply(fn, receiver, []), TypeError, `${name} ${member} on ${what}`)
        calls++
      }
    }
    assert.ok(instance instanceof Class)
  }
  assert.ok(calls > 100, `${calls} calls`)
})

test('genuine instances work: constructed, subclassed, returned by a method', () => {
  const { WorkerHandle: handle, Blake3Hasher: hasher } = instances()
  assert.equal(handle.accountID, ACCOUNT)
  assert.equal(typeof handle.uptimeMs, 'number')
  class MyHandle extends ours.WorkerHandle {}
  const mine = new MyHandle({ accountID: ACCOUNT, accountSecret: SECRET })
  assert.equal(mine.agentID, handle.agentID)
  assert.ok(mine instanceof ours.WorkerHandle)
  const engine = handle.cryptoEngine()
  assert.ok(engine instanceof ours.NativeCryptoEngine)
  hasher.update(new Uint8Array([1, 2, 3]))
  const copy = hasher.clone()
  assert.ok(copy instanceof ours.Blake3Hasher)
  assert.deepEqual(copy.finalize(), ours.blake3HashOnce(new Uint8Array([1, 2, 3])))
  handle.close()
  mine.close()
  assert.equal(handle.isClosed, true)
})

/** A stand-in for a binding on a runtime that does not check method receivers. */
function standInBinding() {
  const secret = Symbol('native')
  const native = (self, name) => {
    // What napi-rs does when `this` wraps nothing: throw (not "Illegal invocation").
    if (!self || !(secret in self)) throw new Error(`Failed to unwrap ${name}`)
    return self[secret]
  }
  class Counter {
    constructor(start) {
      this[secret] = { n: start }
    }
    bump() {
      return ++native(this, 'Counter').n
    }
    twin() {
      const copy = Object.create(Counter.prototype)
      copy[secret] = { n: native(this, 'Counter').n }
      return copy
    }
    get value() {
      return native(this, 'Counter').n
    }
  }
  class Other {
    constructor() {
      // Same private slot: a Counter method given an Other would read it as a Counter's.
      this[secret] = { n: 'not a counter' }
    }
    ping() {
      return 'pong'
    }
  }
  return { Counter, Other }
}

test('runtimes without method receiver checks: methods are wrapped too', () => {
  const binding = guardReceivers(standInBinding())
  const { Counter, Other } = binding
  const counter = new Counter(1)
  assert.equal(counter.bump(), 2)
  assert.equal(counter.value, 2)
  // A method's result that is an instance is branded.
  const twin = counter.twin()
  assert.equal(twin.bump(), 3)
  class Sub extends Counter {}
  assert.equal(new Sub(5).bump(), 6)
  const other = new Other()
  assert.equal(other.ping(), 'pong')
  for (const receiver of [other, {}, Object.create(Counter.prototype), Counter.prototype]) {
    assert.throws(() => Counter.prototype.bump.call(receiver), TypeError)
    assert.throws(() => Reflect.getOwnPropertyDescriptor(Counter.prototype, 'value').get.call(receiver), TypeError)
  }
  assert.throws(() => Other.prototype.ping.call(counter), TypeError)
  assert.equal(Counter.prototype.constructor, Counter)
})

test('index.js installs the guard before the exports are aliased', () => {
  const source = readFileSync(new URL('../index.js', import.meta.url), 'utf8')
  const guard = source.indexOf("require('./receiver-guard.js').guardReceivers(nativeBinding)")
  assert.ok(guard !== -1)
  assert.ok(guard < source.indexOf('\nmodule.exports = nativeBinding\n'))
})
