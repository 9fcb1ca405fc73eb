// The same flows with cojson's own NapiCrypto, its `cojson-core-napi` import
// redirected to this package by an ESM resolve hook (what an npm override
// does in an app). Client on WasmCrypto.
import assert from 'node:assert/strict'
import { createRequire, register } from 'node:module'
import { test } from 'node:test'
import { assertFlows } from '../demo/check-report.mjs'

register('../demo/drop-in-hook.mjs', import.meta.url)
const ours = createRequire(import.meta.url)('../index.js')

test('cojson-core-napi resolves to cojson-native under the hook', async () => {
  const resolved = await import('cojson-core-napi')
  assert.equal(resolved.sign, ours.sign)
})

test(
  'inbox balance service and ticket endpoint on NapiCrypto over cojson-native',
  { timeout: 120_000 },
  async () => {
    const { runDemo } = await import('../demo/run.mjs')
    const report = await runDemo({ crypto: 'napi', timeoutMs: 100_000 })
    assert.equal(report.crypto, 'NapiCrypto')
    assertFlows(report)
  },
)
