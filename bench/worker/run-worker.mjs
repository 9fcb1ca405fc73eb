// Parent side of one timed (or profiled) run: forks worker-process.mjs for
// one setup and workload, starts the clock on `go`, stops it when the
// workload is done, checks the result, and makes sure the process is gone
// (killed if it outlives the run's timeout).
import { fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { withTimeout } from '../../demo/util.mjs'
import { checkAddons } from './setups.mjs'

const WORKER = fileURLToPath(new URL('./worker-process.mjs', import.meta.url))
const EXIT_GRACE_MS = 5_000
const OUTPUT_KEPT_CHARS = 16_000

/**
 * A forked worker process and its messages, in order, by type. Its stdout
 * and stderr are kept (the last few KB) and shown only if the run fails.
 */
function spawnWorker(setup) {
  const child = fork(WORKER, [], { execArgv: setup.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk).slice(-OUTPUT_KEPT_CHARS)
  }
  child.stdout.setEncoding('utf8').on('data', keep)
  child.stderr.setEncoding('utf8').on('data', keep)
  const waiting = new Map()
  const arrived = []
  let failure
  const failAll = (error) => {
    failure ??= error
    for (const { reject } of waiting.values()) reject(failure)
    waiting.clear()
  }
  child.on('message', (message) => {
    if (message?.type === 'error') return failAll(new Error(`worker (${setup.name}): ${message.message}`))
    const waiter = waiting.get(message?.type)
    if (waiter) {
      waiting.delete(message.type)
      waiter.resolve(message)
    } else arrived.push(message)
  })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  exited.then(({ code, signal }) => failAll(new Error(`worker (${setup.name}) exited early (code ${code}, signal ${signal})`)))
  return {
    child,
    exited,
    output: () => output,
    send: (message) => child.send(message),
    next(type) {
      const index = arrived.findIndex((message) => message.type === type)
      if (index >= 0) return Promise.resolve(arrived.splice(index, 1)[0])
      if (failure) return Promise.reject(failure)
      return new Promise((resolve, reject) => waiting.set(type, { resolve, reject }))
    },
  }
}

/**
 * One run of `workload` on `setup`.
 * ms: wall time; cpuMs, elu: the worker's; driverCpuMs: this process's (sync
 * server and clients) over the same span, to show which side was the bottleneck.
 * @returns {Promise<{ ms: number, cpuMs: number, elu: number, driverCpuMs: number, profile?: object, addons: string[] | null }>}
 */
export async function runWorker({ ctx, workload, fixture, setup, profile, profileDir, timeoutMs }) {
  const what = `${workload.name} on ${setup.name}`
  const { syncServer = ctx.syncServer, credentials, params, run } = await withTimeout(Promise.resolve(workload.beforeRun(ctx, fixture)), timeoutMs, `preparing ${what}`)
  const worker = spawnWorker(setup)
  try {
    const measured = await withTimeout(
      (async () => {
        worker.send({ type: 'init', setup, workload: workload.name, syncServer, credentials, params, profile, profileDir, timeoutMs })
        const ready = await worker.next('ready')
        checkAddons(setup, ready.addons)
        await workload.beforeGo?.(ctx, fixture, run, ready.info)
        const driverStart = process.cpuUsage()
        const started = performance.now()
        worker.send({ type: 'go' })
        if (workload.selfTimed) await worker.next('done')
        else await workload.drive(ctx, fixture, run, ready.info)
        const ms = performance.now() - started
        const driver = process.cpuUsage(driverStart)
        if (!workload.selfTimed) worker.send({ type: 'stop' })
        const result = await worker.next('result')
        await workload.verify(ctx, fixture, run, result.report)
        return {
          ms,
          cpuMs: result.cpu.userMs + result.cpu.systemMs,
          elu: result.elu,
          driverCpuMs: (driver.user + driver.system) / 1000,
          profile: result.profile,
          addons: ready.addons,
        }
      })(),
      timeoutMs,
      what,
    )
    await withTimeout(worker.exited, EXIT_GRACE_MS, `${setup.name} worker exit`)
    return measured
  } catch (error) {
    const output = worker.output().trim()
    if (output) error.message += `\nworker output:\n${output}`
    throw error
  } finally {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL')
    await workload.afterRun(run)
  }
}
