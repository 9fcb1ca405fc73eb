// The two server-worker patterns end to end, worker on NativeCrypto, client on
// cojson's WasmCrypto, over an in-memory sync server on a free 127.0.0.1 port.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertFlows } from '../demo/check-report.mjs'
import { runDemo } from '../demo/run.mjs'

test('inbox balance service and ticket endpoint on NativeCrypto', { timeout: 120_000 }, async () => {
  const report = await runDemo({ crypto: 'native', timeoutMs: 100_000 })
  assert.equal(report.crypto, 'NativeCrypto')
  assertFlows(report)

  // The worker handle counted the work its NativeCrypto served.
  const calls = Object.fromEntries(report.stats.map((s) => [s.operation, s.calls]))
  for (const operation of ['sign', 'verify', 'hash', 'addTransactions', 'makeTransaction']) {
    assert.ok(calls[operation] > 0, `${operation} was counted`)
  }
  assert.ok(report.stats.every((s) => s.totalMs >= 0))
  assert.ok(report.cache.hits > 0, 'the key cache served repeated keys')
})
