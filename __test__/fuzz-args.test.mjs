// Random-argument fuzzing of every export, in child processes so that a crash
// (abort, segfault, uncaught native exception) is caught and reported with the
// call that caused it. Every call must return or throw a JS Error.
//
// FUZZ_ARGS_SECONDS (default 40) is the total time of the timed modes;
// FUZZ_ARGS_SEED changes the seeds (default fixed, so a failure replays).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ours } from './helpers/common.mjs'

const child = fileURLToPath(new URL('./helpers/fuzz-child.mjs', import.meta.url))
const total = Number(process.env.FUZZ_ARGS_SECONDS ?? 40)
const seed = Number(process.env.FUZZ_ARGS_SEED ?? 20261123)
const dir = mkdtempSync(join(tmpdir(), 'cojson-native-fuzz-args-'))

// Share of the total time per mode.
const MODES = [
  ['typed', 0.5],
  ['wild', 0.25],
  ['classes', 0.25],
]

function runChild(mode, childSeed, seconds) {
  const traceFile = join(dir, `${mode}-${childSeed}.trace`)
  const started = Date.now()
  const result = spawnSync(process.execPath, [child, mode, String(childSeed), String(seconds), traceFile], {
    encoding: 'utf8',
    timeout: (seconds + 60) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  })
  const elapsed = ((Date.now() - started) / 1000).toFixed(1)
  const lines = result.stdout.trim().split('\n')
  let report = {}
  try {
    report = JSON.parse(lines.at(-1))
  } catch {
    // no report: the child died
  }
  let lastCall = ''
  try {
    lastCall = readFileSync(traceFile, 'utf8').split('\n')[0]
  } catch {
    // no trace file
  }
  const context = `mode ${mode}, seed ${childSeed}, after ${elapsed}s; last call: ${lastCall}\nstderr: ${result.stderr.slice(-2000)}`
  assert.equal(result.signal, null, `child killed by ${result.signal}: ${context}`)
  assert.equal(result.error, undefined, `child failed to run: ${result.error}: ${context}`)
  assert.equal(report.failure, undefined, `${JSON.stringify(report.failure)}: ${context}`)
  assert.equal(result.status, 0, `child exit ${result.status}: ${context}`)
  return { ...report.stats, elapsed }
}

for (const [mode, share] of MODES) {
  test(`fuzz ${mode} arguments: every call returns or throws a JS Error`, (t) => {
    const stats = runChild(mode, seed + mode.length, Math.max(1, total * share))
    t.diagnostic(`${mode}: ${stats.calls} calls (${stats.returned} returned, ${stats.threw} threw) in ${stats.elapsed}s`)
    assert.ok(stats.calls > 100, 'the fuzzer made progress')
    assert.ok(stats.returned > 0 || mode === 'wild', 'some calls succeed, so the fuzzer reaches real work')
    assert.ok(stats.threw > 0, 'some calls are rejected')
  })
}

test('fuzz typed arguments reaches every export', (t) => {
  const stats = runChild('typed', seed + 99, Math.max(1, total * 0.1))
  const called = Object.keys(stats.byExport)
  const missing = Object.keys(ours).filter((k) => typeof ours[k] === 'function' && !called.includes(k))
  t.diagnostic(`exports called: ${called.length}`)
  assert.deepEqual(missing, [])
})

test('64 MiB buffers are handled (a few calls) without a crash', (t) => {
  const stats = runChild('large', seed, 60)
  t.diagnostic(`large: ${stats.calls} calls in ${stats.elapsed}s`)
  assert.ok(stats.calls >= 7)
})

test.after(() => rmSync(dir, { recursive: true, force: true }))
