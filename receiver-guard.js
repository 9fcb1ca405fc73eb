'use strict'
// Receiver checks for the addon's classes, installed by `index.js` right after
// the native binding loads (the line is written by scripts/loader.mjs).
//
// A Node-API method or accessor finds its native object through `this`. If
// `this` is some other wrapped object (another class of this addon, or of any
// addon), the native code would read that object's memory as its own: a crash
// or garbage. What stops a wrong receiver differs by runtime:
//
// - Node checks the receiver of every class *method* itself (V8 throws
//   "Illegal invocation" before our code runs), but not of class *accessors*.
// - Bun and Deno check neither.
//
// napi-rs's own check (a type tag looked up on every call) is compiled out
// (Cargo.toml explains why: it made the cheapest calls slower than the
// reference). Instead, this file brands every instance created through an
// exported constructor, or returned by one of its methods, in a WeakMap, and
// wraps what the runtime leaves unchecked: accessors everywhere, methods too
// where the runtime does not check them. A wrapped member throws a TypeError
// for an unbranded receiver before any native code runs. On Node the methods
// stay the native functions themselves, and a class without accessors is left
// untouched (constructor included), so they cost nothing extra.
//
// On Node, instances are branded only when made by their class's constructor
// (the only way the addon makes `WorkerHandle`, its one class with
// accessors); an instance that a method of another class returned would have
// its accessors refuse it (`__test__/receivers.test.mjs` covers the ways).

/** The message V8 gives when a method's receiver fails its signature check. */
const V8_RECEIVER_ERROR = 'Illegal invocation'

/**
 * Whether this runtime checks method receivers itself: calls a method of the
 * binding with a plain object as `this`. A runtime that checks throws V8's
 * error before our code runs; one that does not runs the method, which then
 * fails to find a native object (safe: a plain object wraps nothing).
 */
function runtimeChecksMethodReceivers(classes) {
  for (const [, Class] of classes) {
    for (const key of Reflect.ownKeys(Class.prototype)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(Class.prototype, key)
      if (key === 'constructor' || typeof descriptor.value !== 'function') continue
      try {
        Reflect.apply(descriptor.value, {}, [])
      } catch (error) {
        return error instanceof TypeError && error.message === V8_RECEIVER_ERROR
      }
      return false
    }
  }
  return false
}

/** The exported classes: functions with a capitalised name and prototype members. */
function exportedClasses(binding) {
  return Object.keys(binding)
    .filter((name) => /^[A-Z]/.test(name))
    .map((name) => [name, binding[name]])
    .filter(([, value]) => typeof value === 'function' && value.prototype && Reflect.ownKeys(value.prototype).length > 1)
}

/**
 * Wraps the members of the binding's classes that the runtime does not check,
 * and replaces each exported class with a constructor that brands its
 * instances. Returns the binding (changed in place).
 */
function guardReceivers(binding) {
  const classes = exportedClasses(binding)
  if (classes.length === 0) return binding
  const checksMethods = runtimeChecksMethodReceivers(classes)
  /** instance → the prototype of the class that made it */
  const owners = new WeakMap()
  const prototypes = new Set(classes.map(([, Class]) => Class.prototype))

  const brandResult = (value) => {
    if (value !== null && typeof value === 'object') {
      const prototype = Object.getPrototypeOf(value)
      if (prototypes.has(prototype) && !owners.has(value)) owners.set(value, prototype)
    }
    return value
  }

  // The members the runtime leaves unchecked: accessors, and methods where the
  // runtime does not check them.
  const unchecked = (descriptor) => typeof descriptor.value !== 'function' || !checksMethods
  for (const [name, Class] of classes) {
    const prototype = Class.prototype
    const members = Reflect.ownKeys(prototype).filter(
      (key) => key !== 'constructor' && unchecked(Reflect.getOwnPropertyDescriptor(prototype, key)),
    )
    // Nothing to guard (on Node, a class without accessors): the class stays
    // as it is, so constructing it costs nothing extra either.
    if (members.length === 0) continue
    const guard = (member, original) => ({
      [member](...args) {
        if (owners.get(this) !== prototype) {
          throw new TypeError(`${name}.prototype.${String(member)} called on an object that is not a ${name}`)
        }
        return brandResult(Reflect.apply(original, this, args))
      },
    })[member]

    for (const key of members) {
      const descriptor = Reflect.getOwnPropertyDescriptor(prototype, key)
      if (typeof descriptor.value === 'function') {
        descriptor.value = guard(key, descriptor.value)
      } else {
        if (descriptor.get) descriptor.get = guard(key, descriptor.get)
        if (descriptor.set) descriptor.set = guard(key, descriptor.set)
      }
      Reflect.defineProperty(prototype, key, descriptor)
    }

    const Branded = new Proxy(Class, {
      construct(target, args, newTarget) {
        const instance = Reflect.construct(target, args, newTarget)
        owners.set(instance, prototype)
        return instance
      },
    })
    const constructorDescriptor = Reflect.getOwnPropertyDescriptor(prototype, 'constructor')
    if (constructorDescriptor) Reflect.defineProperty(prototype, 'constructor', { ...constructorDescriptor, value: Branded })
    binding[name] = Branded
  }
  return binding
}

module.exports = { guardReceivers }
