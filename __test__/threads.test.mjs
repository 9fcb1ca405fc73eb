// Concurrency: the addon loads and works in 16 worker threads at once. Every
// worker runs a mix of operations on its own inputs; the expected results are
// computed on the main thread with the reference package (and our own
// round trips for the randomized sealing). Workers terminated in the middle
// of native work, sync or async, leave the process healthy and able to exit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { base58 } from '@scure/base'
import { ours, ref, utf8, hex, generator } from './helpers/common.mjs'
import { sessionFixture } from './helpers/fuzz-values.mjs'
import { sessionRound } from './helpers/session-round.mjs'

const WORKERS = 16
const TASKS_PER_WORKER = 120
const ROUNDS = 5
const workerUrl = new URL('./helpers/thread-worker.mjs', import.meta.url)
const g = generator(1616)
const b58 = (n) => base58.encode(g.bytes(n))

/** One task with its expected result, computed here on the main thread. */
function makeTask(i) {
  const message = g.text(g.int(300))
  const nonce = `{"in":"co_z${b58(8)}","tx":${i}}`
  const signerSecret = `signerSecret_z${b58(32)}`
  const sealerSecret = `sealerSecret_z${b58(32)}`
  switch (i % 12) {
    case 0:
      return { op: 'getSignerId', args: { secret: signerSecret }, expected: ref.getSignerId(utf8(signerSecret)) }
    case 1:
      return { op: 'sign', args: { message, secret: signerSecret }, expected: ref.sign(utf8(message), utf8(signerSecret)) }
    case 2: {
      const id = ref.getSignerId(utf8(signerSecret))
      const signature = ref.sign(utf8(message), utf8(signerSecret))
      const tamper = g.int(2) === 0
      const checked = tamper ? `${message}x` : message
      return { op: 'verify', args: { signature, message: checked, id }, expected: ref.verify(utf8(signature), utf8(checked), utf8(id)) }
    }
    case 3:
      return { op: 'getSealerId', args: { secret: sealerSecret }, expected: ref.getSealerId(utf8(sealerSecret)) }
    case 4: {
      const sender = `sealerSecret_z${b58(32)}`
      const from = ref.getSealerId(utf8(sender))
      const sealed = ref.seal(utf8(message), sender, ref.getSealerId(utf8(sealerSecret)), utf8(nonce))
      return { op: 'unseal', args: { sealed: Array.from(sealed), secret: sealerSecret, from, nonce }, expected: hex(utf8(message)) }
    }
    case 5:
      return {
        op: 'sealRoundTrip',
        args: { message, to: ref.getSealerId(utf8(sealerSecret)), secret: sealerSecret, nonce },
        expected: message,
      }
    case 6: {
      const key = `keySecret_z${b58(32)}`
      return { op: 'encrypt', args: { message, key, nonce }, expected: hex(ref.encrypt(utf8(message), key, utf8(nonce))) }
    }
    case 7:
      return { op: 'blake3', args: { message }, expected: hex(ref.blake3HashOnce(utf8(message))) }
    case 8: {
      const parts = Array.from({ length: g.int(5) }, () => g.text(g.int(100)))
      const whole = utf8(parts.join(''))
      const expected = `${hex(ref.blake3HashOnce(whole))}/${hex(ref.blake3HashOnce(utf8(parts.join('') + '!')))}`
      return { op: 'hasher', args: { parts }, expected }
    }
    case 9:
      return { op: 'shortHash', args: { message }, expected: ref.shortHash(message) }
    case 11:
      return sessionTask()
    default: {
      const secret = `signerSecret_z${b58(32).slice(0, 20)}0`
      let expected
      try {
        ours.getSignerId(utf8(secret))
      } catch (error) {
        expected = error.message
      }
      return { op: 'malformed', args: { secret }, expected }
    }
  }
}

/** A SessionMap round: receive a signed batch, decrypt it, make a transaction. */
function sessionTask() {
  const fx = sessionFixture(ref, g)
  const args = { ...fx, changes: JSON.stringify([{ op: 'set', key: 'k', value: g.text(20) }]), madeAt: 1700000000000 + g.int(1e6) }
  const expected = sessionRound(ref, args)
  return { op: 'sessionMap', args, expected }
}

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exit ${code}`)))
  })
}

test(`${WORKERS} worker threads at once: mixed operations match the main thread's expectations`, async (t) => {
  const started = Date.now()
  const barrier = new SharedArrayBuffer(4)
  const jobs = []
  for (let w = 0; w < WORKERS; w++) {
    const tasks = Array.from({ length: TASKS_PER_WORKER }, (_, i) => makeTask(w * TASKS_PER_WORKER + i))
    jobs.push(runWorker({ tasks, rounds: ROUNDS, barrier, workers: WORKERS }))
  }
  const results = await Promise.all(jobs)
  for (const [w, { matched, mismatches }] of results.entries()) {
    assert.deepEqual(mismatches, [], `worker ${w}`)
    assert.equal(matched, TASKS_PER_WORKER * ROUNDS, `worker ${w}`)
  }
  t.diagnostic(`${WORKERS * TASKS_PER_WORKER * ROUNDS} checked results in ${Date.now() - started} ms`)
})

test('terminating workers in the middle of native work leaves the process healthy', async () => {
  const big = 'x'.repeat(4 * 1024 * 1024)
  const tasks = [{ op: 'blake3', args: { message: big }, expected: hex(ref.blake3HashOnce(utf8(big))) }]
  for (let i = 0; i < 8; i++) {
    const worker = new Worker(workerUrl, {
      workerData: { tasks, rounds: 1000, barrier: new SharedArrayBuffer(4), workers: 1 },
    })
    await new Promise((resolve) => worker.once('online', resolve))
    await new Promise((resolve) => setTimeout(resolve, 20 + i * 10))
    await worker.terminate()
  }
  // A new worker still loads the addon and works after the others were torn down.
  const { matched } = await runWorker({ tasks: [makeTask(7)], rounds: 3, barrier: new SharedArrayBuffer(4), workers: 1 })
  assert.equal(matched, 3)
  assert.equal(ours.shortHash('still here'), ref.shortHash('still here'))
})

for (const mode of ['main', 'workers-only']) {
  test(`workers terminated while their async calls are in flight (addon ${mode === 'main' ? 'also on the main thread' : 'in workers only'}): later calls work and the process exits by itself`, { timeout: 180_000 }, () => {
    const child = fileURLToPath(new URL('./helpers/async-workers-child.mjs', import.meta.url))
    const result = spawnSync(process.execPath, [child, mode], { encoding: 'utf8', timeout: 150_000 })
    assert.equal(result.signal, null, `the process did not exit by itself (killed by ${result.signal}): ${result.stderr}`)
    assert.equal(result.status, 0, result.stderr)
    const { workerMismatches, mainMismatches, mainChecked } = JSON.parse(result.stdout)
    assert.deepEqual(workerMismatches, [])
    assert.deepEqual(mainMismatches, [])
    assert.equal(mainChecked, mode === 'main' ? 6 : 0)
  })
}
