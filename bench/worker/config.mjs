// The settings of `npm run bench:worker`, read once from the environment.
//
//   ROUNDS=3          timed rounds (each runs every setup once per workload)
//   WORKLOADS=a,b     workloads to run (default: all, in the order below)
//   QUICK=1           small sizes, for a smoke run
//   PROFILE=0         skip the profiled runs (default: one per setup and workload)
//   WRITE_RESULTS=1   also write the raw results to bench/worker/results.json
//   PROFILE_DIR=dir   also save each profiled run's V8 profile there (<workload>-<setup>.cpuprofile)
//   RUN_TIMEOUT_MS    bound on one worker run, start to exit (default 120 s)

/** Workload names in the order they run and print. */
export const WORKLOAD_NAMES = ['cold-load', 'deep-load', 'inbox', 'rpc', 'writes']

import { resolve } from 'node:path'

const QUICK = process.env.QUICK === '1'

/** Sizes of the workloads: full, or QUICK's. */
const SIZES = QUICK
  ? { coldLoadTransactions: 2_000, deepLoadMaps: 100, inboxMessages: 60, rpcRequests: 40, rpcInFlight: 8, writes: 2_000 }
  : { coldLoadTransactions: 48_000, deepLoadMaps: 1_000, inboxMessages: 600, rpcRequests: 400, rpcInFlight: 16, writes: 30_000 }

function positiveInteger(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`)
  return value
}

function workloads() {
  const raw = process.env.WORKLOADS
  if (!raw) return WORKLOAD_NAMES
  const picked = raw.split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = picked.filter((name) => !WORKLOAD_NAMES.includes(name))
  if (unknown.length) throw new Error(`unknown workload ${unknown.join(', ')}; known: ${WORKLOAD_NAMES.join(', ')}`)
  return WORKLOAD_NAMES.filter((name) => picked.includes(name))
}

/** Reads and checks the environment. Throws on a bad value. */
export function readConfig() {
  return {
    quick: QUICK,
    rounds: positiveInteger('ROUNDS', 3),
    workloads: workloads(),
    profile: process.env.PROFILE !== '0',
    writeResults: process.env.WRITE_RESULTS === '1',
    profileDir: process.env.PROFILE_DIR ? resolve(process.env.PROFILE_DIR) : undefined,
    runTimeoutMs: positiveInteger('RUN_TIMEOUT_MS', 120_000),
    sizes: SIZES,
  }
}
