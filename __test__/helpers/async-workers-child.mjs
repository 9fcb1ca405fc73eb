// Child process of threads.test.mjs: worker threads start *Async calls and
// are terminated while that work is in flight, several times; a fresh worker
// (and the main thread, when it has the addon too) must still get correct
// results, and the process must end by itself: no promise, thread or runtime
// may keep it alive.
//
//   node async-workers-child.mjs <main|workers-only>
//
// In `main` mode the main thread has the addon loaded throughout, with
// calls of its own in flight. With `workers-only` it never loads it, so every
// termination tears down the last environment that has it and napi-rs shuts
// the runtime down with work in flight; the next worker starts a new one.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { once, setMaxListeners } from 'node:events'

const ROUNDS = 6

if (isMainThread) {
  const mode = process.argv[2]
  // In `main` mode the main thread loads the addon first and has calls of
  // its own in flight while each worker is terminated.
  const main = mode === 'main' ? await import('./async-calls-check.mjs') : null
  const mainRounds = []
  const url = new URL(import.meta.url)
  for (let round = 0; round < ROUNDS; round++) {
    const worker = new Worker(url, { workerData: { task: 'flood', round } })
    const [started] = await once(worker, 'message')
    if (started !== 'in flight') throw new Error(`worker said ${started}`)
    if (main) mainRounds.push(main.mismatches(round))
    await worker.terminate()
  }
  const checker = new Worker(url, { workerData: { task: 'check', round: ROUNDS } })
  // Listening for `exit` first: it may come in the same turn as the message.
  const exited = once(checker, 'exit')
  const [workerMismatches] = await once(checker, 'message')
  await exited
  const mainMismatches = (await Promise.all(mainRounds)).flat()
  process.stdout.write(JSON.stringify({ workerMismatches, mainMismatches, mainChecked: mainRounds.length }))
  // No process.exit: the parent checks that the process ends on its own.
} else if (workerData.task === 'flood') {
  const { ours, ref, generator } = await import('./common.mjs')
  const { asyncCalls } = await import('./async-calls.mjs')
  const calls = asyncCalls(generator(500 + workerData.round), ref)
  const [validItem] = calls.find(({ name }) => name === 'verifyBatchAsync').args[0]
  const long = new Array(2000).fill(validItem)
  const controller = new AbortController()
  setMaxListeners(0, controller.signal) // many calls share it on purpose
  // Keeps the runtime busy until the worker is terminated: long batches,
  // every export, some with a signal, and a new round whenever one ends.
  const flood = () => {
    const pending = [ours.verifyBatchAsync(long), ours.verifyBatchAsync(long, controller.signal)]
    for (const { name, args } of calls) {
      for (let i = 0; i < 16; i++) pending.push(ours[name](...args, i % 2 ? controller.signal : undefined))
    }
    Promise.allSettled(pending).then(flood)
  }
  flood()
  parentPort.postMessage('in flight')
} else {
  const { mismatches } = await import('./async-calls-check.mjs')
  parentPort.postMessage(await mismatches(workerData.round))
}
