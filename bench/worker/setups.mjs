// The crypto setups of the worker, and how a worker process makes its
// provider. Clients and the sync server always run on cojson's WasmCrypto.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dropIn = fileURLToPath(new URL('./drop-in.mjs', import.meta.url))

/**
 * name: key in results; label: table heading; provider: what the worker
 * creates; addon: the native file the worker must have loaded (checked),
 * `null` for none; execArgv: flags of the worker process.
 */
export const SETUPS = [
  { name: 'wasm', label: 'WasmCrypto', provider: 'wasm', addon: null, execArgv: [] },
  { name: 'reference', label: 'NapiCrypto on cojson-core-napi', provider: 'napi', addon: 'cojson-core-napi', execArgv: [] },
  { name: 'napi-ours', label: 'NapiCrypto on cojson-native', provider: 'napi', addon: 'cojson-native', execArgv: ['--import', dropIn] },
  { name: 'native', label: 'NativeCrypto', provider: 'native', addon: 'cojson-native', execArgv: [] },
]

/** The reference, and its second measurement for the A/A check. */
export const REFERENCE = 'reference'
export const REFERENCE_AGAIN = 'reference-again'

/** Setups of a timed round: every setup plus the reference a second time. */
export const TIMED_SETUPS = [...SETUPS, { ...SETUPS[1], name: REFERENCE_AGAIN, label: 'A/A: reference again' }]

/** The setup called `name`. */
export function setupNamed(name) {
  const setup = TIMED_SETUPS.find((s) => s.name === name)
  if (!setup) throw new Error(`unknown setup ${name}`)
  return setup
}

/** In the worker process: the cojson CryptoProvider of `provider`. */
export async function createWorkerCrypto(provider) {
  if (provider === 'wasm') return (await import('cojson/crypto/WasmCrypto')).WasmCrypto.create()
  if (provider === 'napi') return (await import('cojson/crypto/NapiCrypto')).NapiCrypto.create()
  if (provider === 'native') return (await import('../../crypto/index.mjs')).NativeCrypto.create()
  throw new Error(`unknown provider ${provider}`)
}

/** Paths of the native addons (.node files) mapped into this process, or null where /proc is absent. */
export function loadedAddons() {
  let maps
  try {
    maps = readFileSync('/proc/self/maps', 'utf8')
  } catch {
    return null
  }
  const paths = new Set()
  for (const line of maps.split('\n')) {
    const path = line.slice(line.indexOf('/'))
    if (line.includes('/') && path.endsWith('.node')) paths.add(path)
  }
  return [...paths]
}

const ADDON_FILES = { 'cojson-native': /\/cojson-native\.[^/]*\.node$/, 'cojson-core-napi': /\/cojson-core-napi\.[^/]*\.node$/ }

/** Throws unless the worker loaded exactly the addon its setup names (none for WasmCrypto). */
export function checkAddons(setup, paths) {
  if (paths === null) return
  for (const [addon, pattern] of Object.entries(ADDON_FILES)) {
    const loaded = paths.some((path) => pattern.test(path))
    if (loaded !== (setup.addon === addon)) {
      throw new Error(`${setup.name}: ${addon} ${loaded ? 'is loaded but should not be' : 'is not loaded'} (loaded: ${paths.join(', ') || 'none'})`)
    }
  }
}
