// Which cojson release's suite runs, and which native module the specifier
// `cojson-core-napi` means while it runs. Environment variables choose both:
//
//   COJSON_SUITE_VERSION=0.20.19 (default) cojson's suite to run: one of the keys of
//                                      `suites` below (each is a devDependency,
//                                      installed under its own alias)
//   COJSON_SUITE_ADDON=ours (default)  the package root of this repo: index.js,
//                                      which loads cojson-native.<platform>.node
//   COJSON_SUITE_ADDON=reference       the real cojson-core-napi of that release
//   COJSON_SUITE_ADDON=/abs/index.js   any other build of the addon (e.g. another
//                                      worktree's), by its loader's absolute path
//   COJSON_SUITE_CANARY=1              wrap the chosen module so that `sign` and
//                                      the session log class throw
//                                      (canary-addon.cjs); a suite run with it
//                                      must FAIL, which proves that the alias
//                                      reaches the code under test
//
// Shared by the vitest config (the alias), the setup file (the identity check)
// and scripts/cojson-suite.mjs (which runs the suite with and without the canary).
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const suiteDir = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(suiteDir, '..', '..')

/**
 * Every cojson release whose own suite we run, newest first:
 *   cojson        the package directory under node_modules (an npm alias for older releases)
 *   reference     the directory of the cojson-core-napi that release pins exactly
 *   logClass      the native class its NapiCrypto keeps transactions in
 *   minimumPassed fewer passing tests than this means files went missing
 */
export const suites = {
  '0.20.19': { cojson: 'cojson', reference: 'cojson-core-napi', logClass: 'SessionMap', minimumPassed: 1300 },
  '0.20.7': { cojson: 'cojson-0-20-7', reference: 'cojson-core-napi-0-20-7', logClass: 'SessionLog', minimumPassed: 1150 },
  '0.19.22': { cojson: 'cojson-0-19', reference: 'cojson-core-napi-0-19', logClass: 'SessionLog', minimumPassed: 1050 },
  '0.18.38': { cojson: 'cojson-0-18', reference: 'cojson-core-napi-0-18', logClass: 'SessionLog', minimumPassed: 900 },
}

/** The release chosen by COJSON_SUITE_VERSION, with absolute paths: `{ version, cojsonRoot, referencePath, logClass, minimumPassed }`. */
export function selectedSuite(env = process.env) {
  const version = env.COJSON_SUITE_VERSION || '0.20.19'
  const suite = suites[version]
  if (!suite) throw new Error(`COJSON_SUITE_VERSION=${version} is not one of ${Object.keys(suites).join(', ')}`)
  return {
    version,
    cojsonRoot: join(repoRoot, 'node_modules', suite.cojson),
    referencePath: join(repoRoot, 'node_modules', suite.reference, 'index.js'),
    logClass: suite.logClass,
    minimumPassed: suite.minimumPassed,
  }
}

export const cojsonRoot = selectedSuite().cojsonRoot
export const canaryPath = join(suiteDir, 'canary-addon.cjs')

/** Absolute path of the CommonJS entry of each addon the suite can run on. */
export const addonTargets = {
  ours: join(repoRoot, 'index.js'),
  reference: selectedSuite().referencePath,
}

/**
 * The addon chosen by the environment: `{ name, path, canary, aliasPath }`.
 * `path` is the real addon; `aliasPath` is what `cojson-core-napi` resolves to
 * (the canary wrapper when COJSON_SUITE_CANARY=1). Throws on an unknown name.
 */
export function selectedAddon(env = process.env) {
  const name = env.COJSON_SUITE_ADDON || 'ours'
  const path = isAbsolute(name) ? name : addonTargets[name]
  if (!path) {
    throw new Error(`COJSON_SUITE_ADDON=${name} is not one of ${Object.keys(addonTargets).join(', ')} or an absolute path`)
  }
  const canary = env.COJSON_SUITE_CANARY === '1'
  return { name, path, canary, aliasPath: canary ? canaryPath : path }
}
