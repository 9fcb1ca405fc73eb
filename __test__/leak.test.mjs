// Leaks: resident memory (less the heap pages V8 reserves but does not use)
// stays flat over a million mixed primitive operations
// (hashing, encryption, hashers, signing, sealing, thrown errors). Runs in a
// child process with --expose-gc; memory is sampled after forced GC at ten
// checkpoints after a warm-up.
//
// LEAK_OPERATIONS (default 1000000) changes the count.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const child = fileURLToPath(new URL('./helpers/fuzz-leak-child.mjs', import.meta.url))
const OPERATIONS = Number(process.env.LEAK_OPERATIONS ?? 1_000_000)
const WARMUP = 100_000
const MiB = 1024 * 1024
// Total growth allowed after warm-up, and growth allowed over the second half
// of the run (a steady leak of 16 bytes per operation would exceed it).
const BUDGET = 64 * MiB
const SECOND_HALF_BUDGET = 8 * MiB

test(`resident memory stays flat over ${OPERATIONS} mixed operations`, (t) => {
  const result = spawnSync(process.execPath, ['--expose-gc', child, String(OPERATIONS), String(WARMUP)], {
    encoding: 'utf8',
    timeout: 150_000,
  })
  assert.equal(result.signal, null, `child killed by ${result.signal}: ${result.stderr}`)
  assert.equal(result.status, 0, result.stderr)
  const { operations, samples, seconds } = JSON.parse(result.stdout.trim().split('\n').at(-1))
  const mib = samples.map((bytes) => (bytes / MiB).toFixed(1))
  t.diagnostic(`${operations} operations in ${seconds}s; RSS growth after warm-up (MiB): ${mib.join(' ')}`)
  assert.equal(operations, OPERATIONS)
  assert.equal(samples.length, 10)
  const peak = Math.max(...samples)
  assert.ok(peak < BUDGET, `RSS grew by ${(peak / MiB).toFixed(1)} MiB`)
  // Over the second half, memory must not rise above the first half's peak by
  // more than the budget (the peak, not one sample: V8 returns pages unevenly).
  const firstHalfPeak = Math.max(...samples.slice(0, 5))
  const end = samples.at(-1)
  assert.ok(
    end - firstHalfPeak < SECOND_HALF_BUDGET,
    `RSS grew by ${((end - firstHalfPeak) / MiB).toFixed(1)} MiB in the second half`,
  )
})
