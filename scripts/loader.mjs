// Post-build step for the napi-rs generated `index.js`: replaces its generic
// "Cannot find native binding" / "Failed to load native binding" error with
// one that names the platform, lists the platforms that have a prebuilt
// binary (from package.json `napi.targets`) and points to cojson's
// `WasmCrypto` as the fallback that needs no native code.
//
//   napi build --platform --release --js index.js --dts index.d.ts && node scripts/loader.mjs
//
// The rewrite is deterministic and idempotent: running it on its own output
// gives the same bytes, so index.js stays reproducible from the build.
//
// Usage: node scripts/loader.mjs [path/to/index.js] (default: index.js at the root).
// Also exported for the other scripts: `platformOfTriple`, `supportedPlatforms`.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm', i686: 'ia32', riscv64gc: 'riscv64' }
const OS = { darwin: 'darwin', linux: 'linux', windows: 'win32', freebsd: 'freebsd' }

/**
 * The napi-rs platform name of a Rust target triple, as used in package names
 * and `.node` file names: `x86_64-unknown-linux-gnu` → `linux-x64-gnu`,
 * `aarch64-apple-darwin` → `darwin-arm64`, `armv7-unknown-linux-gnueabihf` →
 * `linux-arm-gnueabihf`. Throws for a triple it does not know.
 */
export function platformOfTriple(triple) {
  const parts = triple.split('-')
  const arch = ARCH[parts[0]]
  const osName = Object.keys(OS).find((name) => parts.includes(name))
  if (!arch || !osName) throw new Error(`unknown target triple ${triple}`)
  const abi = osName === 'darwin' ? null : parts[parts.indexOf(osName) + 1] ?? null
  return [OS[osName], arch, abi].filter(Boolean).join('-')
}

/** package.json `napi.targets` as napi-rs platform names, in the listed order. */
export function supportedPlatforms(packageJsonPath = join(root, 'package.json')) {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8'))
  return pkg.napi.targets.map(platformOfTriple)
}

const START = 'if (!nativeBinding) {\n'
const GENERATED_END = '  throw new Error(`Failed to load native binding`)\n}\n'
const OURS_BEGIN = '  // cojson-native: load failure (written by scripts/loader.mjs)\n'
const OURS_END = '  // cojson-native: end of load failure\n}\n'

function loadFailureBlock(platforms) {
  return `${START}${OURS_BEGIN}  const supported = ${JSON.stringify(platforms)}
  let libc = ''
  if (process.platform === 'linux') {
    const musl = isMusl()
    libc = process.arch === 'arm' ? (musl ? 'musleabihf' : 'gnueabihf') : musl ? 'musl' : 'gnu'
  } else if (process.platform === 'win32') {
    libc = 'msvc'
  }
  const here = [process.platform, process.arch, libc].filter(Boolean).join('-')
  const fallback =
    "Without a native binary, use cojson's WasmCrypto instead of NapiCrypto " +
    "(import { WasmCrypto } from 'cojson/crypto/WasmCrypto'; const crypto = await WasmCrypto.create()), " +
    'which needs no native code.'
  const list = 'Prebuilt binaries exist for: ' + supported.join(', ') + '.'
  let error
  if (supported.indexOf(here) === -1) {
    error = new Error(
      'cojson-native has no prebuilt binary for ' + here +
        ' (process.platform ' + process.platform + ', process.arch ' + process.arch + '). ' +
        list + ' ' + fallback,
    )
    error.code = 'ERR_COJSON_NATIVE_UNSUPPORTED_PLATFORM'
  } else {
    error = new Error(
      'cojson-native could not load its binary for ' + here + ': the optional dependency cojson-native-' + here +
        ' is missing or failed to load (see the causes). If it is missing, remove node_modules and the lockfile and ' +
        'install again without --no-optional / --omit=optional (npm/cli#4828). ' + list + ' ' + fallback,
    )
    error.code = 'ERR_COJSON_NATIVE_BINARY_NOT_LOADED'
  }
  error.platform = here
  error.supportedPlatforms = supported.slice()
  if (loadErrors.length > 0) {
    // assign instead of the \`new Error(message, { cause })\` options form
    error.cause = createLoadErrorChain(loadErrors)
  }
  throw error
${OURS_END}`
}

/**
 * Returns `source` (a napi-rs generated index.js, or one already rewritten)
 * with the load-failure block replaced. Throws when the block is not found, so
 * a napi-rs upgrade that changes the generated text fails the build loudly.
 */
export function rewriteLoader(source, platforms) {
  const start = source.indexOf(START)
  if (start === -1) throw new Error('index.js: no `if (!nativeBinding) {` block found')
  const ours = source.indexOf(OURS_END, start)
  const generated = source.indexOf(GENERATED_END, start)
  let end
  if (source.startsWith(START + OURS_BEGIN, start) && ours !== -1) {
    end = ours + OURS_END.length
  } else if (generated !== -1) {
    end = generated + GENERATED_END.length
  } else {
    throw new Error('index.js: the end of the load-failure block was not found (napi-rs changed its template?)')
  }
  return source.slice(0, start) + loadFailureBlock(platforms) + source.slice(end)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(process.argv[2] ?? join(root, 'index.js'))
  const before = readFileSync(target, 'utf8')
  const after = rewriteLoader(before, supportedPlatforms())
  if (after !== before) writeFileSync(target, after)
  console.log(`loader: ${after === before ? 'already up to date' : 'rewrote the load-failure error in'} ${target}`)
}
