// JS that runs in the middle of a call must not make the addon read memory
// that is gone. `verifyBatch` and `verifyBatchAsync` read their items through
// getters and proxy traps, which can resize (resizable ArrayBuffer), transfer
// (`structuredClone(buffer, { transfer })`) or free (transfer, then GC) the
// buffer of an item already read; each call must then give the reference's
// `verify` verdict on the bytes as they were when read. Lengths are capped
// before anything is allocated: a huge, lying or changing length is a
// `RangeError` (code `ERR_OUT_OF_RANGE`) or is read once, never an abort. No
// other export runs JS while converting its arguments (no getter, proxy trap
// or `valueOf`/`toString` conversion), so a buffer read from one argument
// cannot be taken away by converting another.
//
// Each group runs in a child process (helpers/mid-call-child.mjs), through
// index.js and through the bare binary, so a crash fails with the case that
// caused it instead of killing the runner.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const child = fileURLToPath(new URL('./helpers/mid-call-child.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'cojson-native-mid-call-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

/** Runs one group in a child; returns its cases, or fails naming the last case started. */
function runChild(mode, loader, action = '') {
  const traceFile = join(dir, `${mode}-${loader}-${action}.trace`)
  const result = spawnSync(process.execPath, ['--expose-gc', child, mode, loader, traceFile, action], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  })
  let lastCase = ''
  try {
    lastCase = readFileSync(traceFile, 'utf8').split('\n')[0]
  } catch {
    // no trace file: the child died before its first case
  }
  const context = `${mode} ${action} via ${loader}; last case: ${lastCase}\nstderr: ${result.stderr.slice(-2000)}`
  assert.equal(result.signal, null, `child killed by ${result.signal}: ${context}`)
  assert.equal(result.status, 0, `child exit ${result.status}: ${context}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1)).cases
}

function check(t, cases) {
  assert.ok(cases.length > 0)
  for (const { name, got, expected } of cases) assert.deepEqual(got, expected, name)
  t.diagnostic(`${cases.length} cases`)
}

const ACTIONS = ['resize', 'shrink', 'grow', 'transfer', 'free', 'overwrite']

for (const loader of ['index', 'raw']) {
  for (const action of ACTIONS) {
    test(`verifyBatch(Async) via ${loader}: an earlier item's buffer, ${action} by a getter or trap, gives the verdict on the bytes as read`, (t) => {
      check(t, runChild('batch', loader, action))
    })
  }

  test(`verifyBatch(Async) via ${loader}: huge, lying and changing lengths are capped or read once`, (t) => {
    check(t, runChild('lengths', loader))
  })

  test(`every other export via ${loader}: converting an argument runs no JS`, (t) => {
    check(t, runChild('coercion', loader))
  })
}
