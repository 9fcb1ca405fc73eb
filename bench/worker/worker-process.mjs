// One worker process of `npm run bench:worker`, forked by run-worker.mjs for a
// single run of one workload on one crypto setup. Talks to its parent over IPC:
//
//   parent → { type: 'init', setup, workload, syncServer, credentials, params, profile, profileDir, timeoutMs }
//   child  → { type: 'ready', info, addons }        started, connected, workload prepared
//   parent → { type: 'go' }                          the clock starts
//   child  → { type: 'done' }                        (self-timed workloads) the work is finished
//   parent → { type: 'stop' }                        (driven workloads) the parent's clients are finished
//   child  → { type: 'result', cpu, elu, report, profile }   then the process exits
//   child  → { type: 'error', message }              on any failure, then exits with 1
//
// CPU time (user + system, all threads) and event-loop utilisation cover go
// to done/stop only. The process exits by itself when its parent goes away or
// after `timeoutMs`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startWorker } from 'jazz-tools/worker'
import { WebSocket } from 'ws'
import { classifyProfile } from './profile.mjs'
import { startProfiler } from './profiler.mjs'
import { createWorkerCrypto, loadedAddons } from './setups.mjs'
import { loadWorkload } from './workloads/index.mjs'

process.on('disconnect', () => process.exit(4))

function fail(error) {
  const message = error?.stack ?? String(error)
  if (process.connected) process.send({ type: 'error', message }, () => process.exit(1))
  else process.exit(1)
}
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)

function nextMessage(type) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== type) return
      process.off('message', listener)
      resolve(message)
    }
    process.on('message', listener)
  })
}

async function main() {
  const init = await nextMessage('init')
  setTimeout(() => fail(new Error(`worker run took longer than ${init.timeoutMs} ms`)), init.timeoutMs).unref()
  const workload = await loadWorkload(init.workload)

  const crypto = await createWorkerCrypto(init.setup.provider)
  const started = await startWorker({
    ...init.credentials,
    syncServer: init.syncServer,
    WebSocket,
    crypto,
  })
  const state = await workload.worker.prepare({
    worker: started.worker,
    inbox: started.experimental.inbox,
    params: init.params,
  })
  const go = nextMessage('go')
  process.send({ type: 'ready', info: state.info ?? {}, addons: loadedAddons() })
  await go

  const stopProfiler = init.profile ? await startProfiler() : undefined
  const cpuStart = process.cpuUsage()
  const eluStart = performance.eventLoopUtilization()
  if (workload.selfTimed) {
    await workload.worker.run(state)
  } else {
    const stop = nextMessage('stop')
    workload.worker.run(state)
    await stop
  }
  const cpu = process.cpuUsage(cpuStart)
  const elu = performance.eventLoopUtilization(eluStart)
  if (workload.selfTimed) process.send({ type: 'done' })

  const rawProfile = stopProfiler ? await stopProfiler() : undefined
  if (rawProfile && init.profileDir) {
    writeFileSync(join(init.profileDir, `${init.workload}-${init.setup.name}.cpuprofile`), JSON.stringify(rawProfile))
  }
  const profile = rawProfile ? classifyProfile(rawProfile) : undefined
  const report = await workload.worker.report(state)
  process.send(
    {
      type: 'result',
      cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
      elu: elu.utilization,
      report,
      profile,
    },
    () => process.exit(0),
  )
}

main().catch(fail)
