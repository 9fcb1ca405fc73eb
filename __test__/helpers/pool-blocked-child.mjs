// Child process of async.test.mjs: blocks every thread of libuv's pool, then
// calls each *Async export and reports what they resolved to while the pool
// was still blocked.
//
//   UV_THREADPOOL_SIZE=4 node pool-blocked-child.mjs
//
// Each pool thread is held by `fs.promises.readFile` of a FIFO that nobody
// has opened for writing: its open(2) waits until the latch is released. A
// zlib job queued behind them cannot start before that. The *Async exports
// must settle anyway (on the addon's own threads); then the latches are
// released and the file reads and the zlib job finish too.
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, promises as fsp, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzip, gunzipSync } from 'node:zlib'
import { ours, ref, generator } from './common.mjs'
import { asyncCalls } from './async-calls.mjs'

const threads = Number(process.env.UV_THREADPOOL_SIZE)
if (!(threads >= 1)) throw new Error('set UV_THREADPOOL_SIZE')
const dir = mkdtempSync(join(tmpdir(), 'cojson-native-pool-'))
const latches = Array.from({ length: threads }, (_, i) => join(dir, `latch-${i}`))
for (const latch of latches) execFileSync('mkfifo', [latch])

const reads = latches.map((latch) => fsp.readFile(latch, 'utf8'))
const state = { zipped: false }
const input = Buffer.alloc(1 << 20, 7)
const zipped = new Promise((resolve, reject) =>
  gzip(input, (error, output) => {
    state.zipped = true
    if (error) reject(error)
    else resolve(output)
  }),
)

const calls = asyncCalls(generator(31_337), ref)
const results = []
for (const { name, args, expected, show } of calls) {
  results.push({ name, expected, got: show(await ours[name](...args)) })
}
const zlibDoneBeforeRelease = state.zipped

for (const latch of latches) {
  const fd = openSync(latch, 'w')
  writeSync(fd, 'released')
  closeSync(fd)
}
const texts = await Promise.all(reads)
const unzipped = gunzipSync(await zipped)
rmSync(dir, { recursive: true, force: true })

process.stdout.write(
  JSON.stringify({ results, zlibDoneBeforeRelease, texts, zlibRoundTrip: unzipped.equals(input) }),
)
