// Shared by the JS tests: both implementations, a seeded generator and small
// byte helpers.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'

const require = createRequire(import.meta.url)

/** Our addon, loaded the way users load it. */
export const ours = require('../../index.js')
/** The reference, cojson-core-napi@0.20.19. */
export const ref = require('cojson-core-napi')

export const utf8 = (text) => new TextEncoder().encode(text)
export const hex = (bytes) => Buffer.from(bytes).toString('hex')
export const fromHex = (text) => Uint8Array.from(Buffer.from(text, 'hex'))

/** Reads a data file from test-vectors/. */
export function vectors(name) {
  return JSON.parse(readFileSync(new URL(`../../test-vectors/${name}`, import.meta.url), 'utf8'))
}

/** A seeded generator (mulberry32), so a failing case can be replayed. */
export function generator(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n) => Math.floor(next() * n)
  const bytes = (n) => Uint8Array.from({ length: n }, () => int(256))
  const pick = (list) => list[int(list.length)]
  const text = (n) => {
    const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '{', '}', 'ü', '€', '😀', '\n', '\u0000']
    let out = ''
    for (let i = 0; i < n; i++) out += pick(alphabet)
    return out
  }
  return { next, int, bytes, pick, text }
}

/** Calls `fn`; returns `{ value }` or `{ error }`. */
export function attempt(fn) {
  try {
    return { value: fn() }
  } catch (error) {
    return { error }
  }
}
