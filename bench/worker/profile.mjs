// Breaks a V8 CPU profile of the worker down by where its self time went.
//
// A frame's category comes from its script URL (or name). Frames with no URL
// (native functions: the addon's exports, V8 builtins), Node's own internals
// (Buffer, TextEncoder, randomFillSync) and the encoding libraries cojson
// uses (@scure/base, @noble) belong to whoever called them, so a Buffer.from
// in the addon's glue counts as addon and one in ws as transport.
// JSON.parse/stringify count as JSON wherever they are called. "(idle)" is
// left out; "(program)" (V8 and libuv outside JS) is "other", as are
// jazz-tools, zod and the benchmark's own code.

/** Categories in table order. */
export const CATEGORIES = ['addon', 'wasm', 'JSON', 'cojson', 'transport', 'GC', 'other']

/** URL fragments of the addon and its JS glue (ours and the reference's). */
const ADDON_URLS = [
  '/cojson-native/index.js',
  '/cojson-native/crypto/index.mjs',
  '/cojson-core-napi/index.js',
  '/cojson/dist/crypto/NapiCrypto.js',
]
const WASM_URLS = ['/cojson-core-wasm/', '/cojson/dist/crypto/WasmCrypto.js']
const TRANSPORT_URLS = ['/node_modules/ws/', '/cojson-transport-ws/']
const TRANSPORT_NODE = /^node:(net|stream|_http_|http|internal\/(streams|stream_base_commons|http|deps\/undici|net|js_stream_socket|webstreams))/
const JSON_BUILTINS = new Set(['parse', 'stringify'])
const CALLERS_URLS = ['/node_modules/@scure/', '/node_modules/@noble/']

/** This checkout's index.js and crypto/index.mjs, wherever it lives. */
const OUR_GLUE = [new URL('../../index.js', import.meta.url).href, new URL('../../crypto/index.mjs', import.meta.url).href]

function ownCategory({ functionName, url }) {
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)') return 'other'
  if (url === '') return JSON_BUILTINS.has(functionName) ? 'JSON' : null
  if (OUR_GLUE.includes(url) || ADDON_URLS.some((part) => url.includes(part))) return 'addon'
  if (url.startsWith('wasm://') || WASM_URLS.some((part) => url.includes(part))) return 'wasm'
  if (url.includes('/cojson/dist/jsonStringify.js')) return 'JSON'
  if (TRANSPORT_URLS.some((part) => url.includes(part)) || TRANSPORT_NODE.test(url)) return 'transport'
  if (url.startsWith('node:') || CALLERS_URLS.some((part) => url.includes(part))) return null
  if (url.includes('/cojson/dist/')) return 'cojson'
  return 'other'
}

/**
 * Self time per category, in ms, of a V8 profile ({ nodes, samples, timeDeltas }).
 * @returns {{ totalMs: number, ms: Record<string, number> }} totalMs excludes idle time
 */
export function classifyProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const categoryOf = new Map()
  const categorise = (id) => {
    if (categoryOf.has(id)) return categoryOf.get(id)
    const node = byId.get(id)
    let category = node.callFrame.functionName === '(idle)' ? 'idle' : ownCategory(node.callFrame)
    if (category === null) category = parentOf.has(id) ? categorise(parentOf.get(id)) : 'other'
    categoryOf.set(id, category)
    return category
  }

  const ms = Object.fromEntries(CATEGORIES.map((category) => [category, 0]))
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one (the last sample gets none).
    const us = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0
    const category = categorise(samples[i])
    if (category !== 'idle') ms[category] += us / 1000
  }
  const totalMs = Object.values(ms).reduce((sum, value) => sum + value, 0)
  return { totalMs, ms }
}

/** Shares (0–1) of a classified profile. */
export function shares({ totalMs, ms }) {
  return Object.fromEntries(CATEGORIES.map((category) => [category, totalMs > 0 ? ms[category] / totalMs : 0]))
}
