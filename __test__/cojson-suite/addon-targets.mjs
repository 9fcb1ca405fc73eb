// Which native module the specifier `cojson-core-napi` means while cojson's own
// test suite runs. Two environment variables choose it:
//
//   COJSON_SUITE_ADDON=ours (default)  the package root of this repo: index.js,
//                                      which loads cojson-native.<platform>.node
//   COJSON_SUITE_ADDON=reference       the real cojson-core-napi@0.20.19
//   COJSON_SUITE_ADDON=/abs/index.js   any other build of the addon (e.g. another
//                                      worktree's), by its loader's absolute path
//   COJSON_SUITE_CANARY=1              wrap the chosen module so that `sign`
//                                      throws (canary-addon.cjs); a suite run
//                                      with it must FAIL, which proves that the
//                                      alias reaches the code under test
//
// Shared by the vitest config (the alias), the setup file (the identity check)
// and scripts/cojson-suite.mjs (which runs the suite with and without the canary).
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const suiteDir = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(suiteDir, '..', '..')
export const cojsonRoot = join(repoRoot, 'node_modules', 'cojson')
export const canaryPath = join(suiteDir, 'canary-addon.cjs')

/** Absolute path of the CommonJS entry of each addon the suite can run on. */
export const addonTargets = {
  ours: join(repoRoot, 'index.js'),
  reference: join(repoRoot, 'node_modules', 'cojson-core-napi', 'index.js'),
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
