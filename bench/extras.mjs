// Beyond the reference's interface: batch verification and the async
// variants, showing where each pays off.
//
// - verifyBatch: µs per signature for growing batch sizes, against calling
//   `verify` (ours) in a loop, with all signatures valid and with one invalid
//   signature per batch (which sends its chunk to single verification).
// - async: wall time per operation for N operations, run as (a) N
//   synchronous calls, (b) N promises in flight at once. (b) spreads over
//   the addon's tokio threads (one per CPU) and keeps the event loop free,
//   at the cost of one hop per call. We also report the event-loop blocking
//   time: sync blocks for the whole run, async only for the submission.
//   bench/async-pool.mjs measures the async variants against libuv's pool
//   when file reads and zlib keep that pool busy.

import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { base58 } from '@scure/base'
import { fmtUs, table, QUICK } from './harness.mjs'

const utf8 = (text) => new TextEncoder().encode(text)

function items(ref, n, signers = 16) {
  const secrets = Array.from({ length: signers }, () => utf8(`signerSecret_z${base58.encode(randomBytes(32))}`))
  const ids = secrets.map((s) => ref.getSignerId(s))
  return Array.from({ length: n }, (_, i) => {
    const message = utf8(`hash_z${base58.encode(randomBytes(32))}`)
    return { signature: ref.sign(message, secrets[i % signers]), message, signerId: ids[i % signers] }
  })
}

function best(fn, reps) {
  let min = Infinity
  for (let r = 0; r < reps; r++) {
    const t = performance.now()
    fn()
    min = Math.min(min, performance.now() - t)
  }
  return min
}

async function bestAsync(fn, reps) {
  let min = Infinity
  for (let r = 0; r < reps; r++) {
    const t = performance.now()
    await fn()
    min = Math.min(min, performance.now() - t)
  }
  return min
}

export async function extraSection(ours, ref) {
  const reps = QUICK ? 3 : 9
  console.log('\n## Batch verification (µs per signature; ours `verify` in a loop vs `verifyBatch`)\n')
  const rows = []
  for (const n of QUICK ? [16, 128, 512] : [4, 16, 64, 128, 512, 2048]) {
    const list = items(ref, n)
    const bytes = list.map((it) => [utf8(it.signature), it.message, utf8(it.signerId)])
    const bad = list.map((it) => ({ ...it }))
    bad[n >> 1].message = utf8('tampered')
    const expected = bad.map((it) => ref.verify(utf8(it.signature), it.message, utf8(it.signerId)))
    if (JSON.stringify(ours.verifyBatch(bad)) !== JSON.stringify(expected)) throw new Error('verifyBatch disagrees with the reference')
    const single = best(() => bytes.forEach(([s, m, id]) => ours.verify(s, m, id)), reps)
    const singleRef = best(() => bytes.forEach(([s, m, id]) => ref.verify(s, m, id)), reps)
    const batched = best(() => ours.verifyBatch(list), reps)
    const batchedBad = best(() => ours.verifyBatch(bad), reps)
    const asyncBatch = await bestAsync(() => ours.verifyBatchAsync(list), reps)
    const per = (ms) => fmtUs((ms * 1e3) / n)
    rows.push([n, per(singleRef), per(single), per(batched), per(batchedBad), per(asyncBatch), `${(single / batched).toFixed(2)}×`])
  }
  table(['batch size', 'ref verify', 'ours verify', 'verifyBatch', 'with 1 invalid', 'verifyBatchAsync', 'batch gain'], rows)

  console.log('\n## Async variants (wall µs per operation for N in flight; event loop blocked µs per operation)\n')
  const secret = utf8(`signerSecret_z${base58.encode(randomBytes(32))}`)
  const id = utf8(ref.getSignerId(secret))
  const message = utf8(`hash_z${base58.encode(randomBytes(32))}`)
  const signature = utf8(ref.sign(message, secret))
  const sealerA = `sealerSecret_z${base58.encode(randomBytes(32))}`
  const sealerB = `sealerSecret_z${base58.encode(randomBytes(32))}`
  const sealerBId = ref.getSealerId(utf8(sealerB))
  const sealerAId = ref.getSealerId(utf8(sealerA))
  const nonce = utf8('{"in":"co_z1","tx":1}')
  const sealed = ref.seal(message, sealerA, sealerBId, nonce)
  const ops = [
    ['sign', () => ours.sign(message, secret), () => ours.signAsync(message, secret)],
    ['verify', () => ours.verify(signature, message, id), () => ours.verifyAsync(signature, message, id)],
    ['seal', () => ours.seal(message, sealerA, sealerBId, nonce), () => ours.sealAsync(message, sealerA, sealerBId, nonce)],
    ['unseal', () => ours.unseal(sealed, sealerB, sealerAId, nonce), () => ours.unsealAsync(sealed, sealerB, sealerAId, nonce)],
  ]
  const arows = []
  for (const [name, sync, async_] of ops) {
    for (const n of [1, 64]) {
      const syncMs = best(() => { for (let i = 0; i < n; i++) sync() }, reps * 3)
      let blocked = Infinity
      const asyncMs = await bestAsync(async () => {
        const t = performance.now()
        const all = []
        for (let i = 0; i < n; i++) all.push(async_())
        blocked = Math.min(blocked, performance.now() - t)
        await Promise.all(all)
      }, reps * 3)
      arows.push([`${name} ×${n}`, fmtUs((syncMs * 1e3) / n), fmtUs((asyncMs * 1e3) / n), fmtUs((syncMs * 1e3) / n), fmtUs((blocked * 1e3) / n)])
    }
  }
  table(['operation', 'sync wall', 'async wall', 'sync loop blocked', 'async loop blocked'], arows)
}
