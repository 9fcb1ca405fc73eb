// Child of leak.test.mjs (run with --expose-gc): a long run of mixed primitive
// operations, including thrown errors and hasher objects, with the resident
// set size sampled after a forced GC at every checkpoint.
//
//   node --expose-gc fuzz-leak-child.mjs <operations> <warmup>
import { base58 } from '@scure/base'
import { ours, utf8, generator } from './common.mjs'
import { sessionFixture } from './fuzz-values.mjs'

const [total, warmup] = process.argv.slice(2).map(Number)
const g = generator(777)
const b58 = (n) => base58.encode(g.bytes(n))
const signerSecret = utf8(`signerSecret_z${b58(32)}`)
const sealerSecret = `sealerSecret_z${b58(32)}`
const keySecret = `keySecret_z${b58(32)}`
const signerId = utf8(ours.getSignerId(signerSecret))
const sealerId = ours.getSealerId(utf8(sealerSecret))
const message = g.bytes(200)
const nonce = utf8('{"in":"co_zTest","tx":{"sessionID":"s","txIndex":1}}')
const signature = utf8(ours.sign(message, signerSecret))
const sealed = ours.seal(message, sealerSecret, sealerId, nonce)
const badSecret = utf8(`signerSecret_z${b58(32).slice(0, 30)}0`)
const key32 = g.bytes(32)

// Cheap operations run most often; the slow curve operations one time in 16.
const CHEAP = [
  () => ours.blake3HashOnce(message),
  () => ours.blake3HashOnceWithContext(message, nonce),
  () => ours.generateNonce(nonce),
  () => ours.shortHash('{"a":[1,2,3],"b":"text"}'),
  () => ours.encrypt(message, keySecret, nonce),
  () => ours.decryptXsalsa20(key32, nonce, message),
  () => {
    const hasher = new ours.Blake3Hasher()
    hasher.update(message)
    return hasher.clone().finalize()
  },
  () => {
    try {
      ours.getSignerId(badSecret)
    } catch (error) {
      return error.message
    }
  },
  () => {
    try {
      ours.encrypt(message, [keySecret], nonce)
    } catch (error) {
      return error.message
    }
  },
  () => ours.ed25519SignatureFromBytes(signature.subarray(0, 64)),
]
const fx = sessionFixture(ours, g)
let sessionCounter = 0
const SLOW = [
  () => {
    const map = new ours.SessionMap(fx.coId, fx.headerJson)
    map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature, false)
    map.decryptTransaction(fx.sessionId, 1, fx.keySecret)
    return map.getKnownState()
  },
  () => {
    const map = new ours.SessionMap(fx.coId, fx.headerJson)
    map.makeNewPrivateTransaction(`${fx.sessionId}${sessionCounter++ % 100}`, fx.signerSecret, '[1]', fx.keyId, fx.keySecret, null, 1)
    try {
      map.addTransactions(fx.sessionId, fx.signerId, fx.transactionsJson, fx.signature.replace(/.$/, '1'), false)
    } catch (error) {
      return error.message
    }
  },
  () => ours.sign(message, signerSecret),
  () => ours.verify(signature, message, signerId),
  () => ours.getSignerId(signerSecret),
  () => ours.unseal(sealed, sealerSecret, sealerId, nonce),
  () => ours.sealForGroup(message, sealerId, nonce),
  () => {
    try {
      return ours.unseal(sealed, sealerSecret, sealerId, message)
    } catch (error) {
      return error.message
    }
  },
]

let i = 0
function runOps(n) {
  for (let end = i + n; i < end; i++) {
    if ((i & 15) === 15) SLOW[(i >> 4) % SLOW.length]()
    else CHEAP[i % CHEAP.length]()
  }
}

// Node-API runs the finalizers of returned buffers and of garbage-collected
// objects from the event loop, so the work yields every BATCH operations, as
// a server does between messages.
const BATCH = 10_000
const turn = () => new Promise((resolve) => setImmediate(resolve))

async function runBatched(n) {
  for (let done = 0; done < n; done += BATCH) {
    runOps(Math.min(BATCH, n - done))
    await turn()
  }
}

// Resident memory that a leak would hold, after forced GC: RSS minus the pages
// V8 has reserved for its heap but is not using (heapTotal - heapUsed). Node 24
// grows that reservation (heapTotal 13 -> 70 MiB with heapUsed steady at 5 MiB)
// and keeps the pages resident, which says nothing about leaks; native
// allocations and live JS objects are both still counted.
async function rssAfterGc() {
  for (let k = 0; k < 4; k++) {
    globalThis.gc()
    await turn()
  }
  const { rss, heapTotal, heapUsed } = process.memoryUsage()
  return rss - (heapTotal - heapUsed)
}

const started = Date.now()
await runBatched(warmup)
const base = await rssAfterGc()
const samples = []
const step = Math.max(BATCH, Math.floor(total / 10))
while (i < warmup + total) {
  await runBatched(Math.min(step, warmup + total - i))
  samples.push((await rssAfterGc()) - base)
}
process.stdout.write(`${JSON.stringify({ operations: i - warmup, base, samples, seconds: (Date.now() - started) / 1000 })}\n`)
