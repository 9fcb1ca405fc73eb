// Peak resident memory while one received transaction batch is added, ours
// against the reference, for batches of 1, 4 and 15 MiB in several shapes.
// Not a test: it prints numbers, it asserts only that both implementations
// accept or reject the same inputs.
//
// Every measurement runs in a fresh child process (so neither implementation
// sees the other's heap or allocator state). The child builds the batch as a
// flat string, collects garbage, resets the kernel's peak-RSS mark
// (`/proc/self/clear_refs`, Linux), calls `addTransactions` once and reports
// VmHWM − VmRSS-before: the peak growth caused by that one call, including the
// copy of the string into native memory and whatever is stored.
//
//   node bench/received-memory.mjs                   # the full table
//   node bench/received-memory.mjs --sizes=1,4       # other sizes (MiB)
//   node bench/received-memory.mjs --shapes=array,many
//   node bench/received-memory.mjs --ours=/path/index.js   # another build of ours
//   node --expose-gc bench/received-memory.mjs child <ours|ref> <shape> <MiB> [oursPath]
//
// `npm run bench` runs it too (sizes 1, 4 and 15 MiB; 1 MiB with
// BENCH_QUICK=1; skipped with BENCH_MEMORY=0).

import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { table } from './harness.mjs'

const require = createRequire(import.meta.url)
const MiB = 1024 * 1024
const OURS_DEFAULT = fileURLToPath(new URL('../index.js', import.meta.url))

// ---------- batch shapes ----------

/** `count` copies of `unit` joined by `,`, as one flat string. */
function repeatJoined(unit, count) {
  if (count <= 0) return ''
  return Buffer.from(`${unit},`.repeat(count - 1) + unit).toString('latin1')
}

/** A trusting transaction text with `changesJson` (raw JSON) as `changes`. */
const trustingWith = (changesJson, canonical = false) =>
  canonical
    ? `{"changes":${changesJson},"madeAt":1700000000000,"privacy":"trusting"}`
    : `{"privacy":"trusting","madeAt":1700000000000,"changes":${changesJson}}`

/** Nested arrays and objects, `depth` levels, around a 0. */
function nestedUnit(depth) {
  let text = '0'
  for (let i = 0; i < depth; i++) text = i % 2 ? `{"a":${text}}` : `[${text}]`
  return text
}

const SMALL_CHANGES = JSON.stringify(JSON.stringify([{ op: 'set', key: 'title', value: 'hello world' }]))

/**
 * Each shape makes a batch text of about `bytes` bytes. `valid` says whether
 * the batch is one both implementations should accept.
 */
const SHAPES = {
  // `changes` holds an array of zeros instead of a string.
  array: {
    valid: false,
    make: (bytes) => `[${trustingWith(`[${repeatJoined('0', Math.floor(bytes / 2))}]`)}]`,
  },
  // `changes` holds many small trees of arrays and objects, 60 levels deep
  // (under the parser's nesting limit, so every level is read).
  nested: {
    valid: false,
    make: (bytes) => {
      const unit = nestedUnit(60)
      return `[${trustingWith(`[${repeatJoined(unit, Math.floor(bytes / (unit.length + 1)))}]`)}]`
    },
  },
  // `changes` opens arrays without end: refused at the nesting limit.
  deep: {
    valid: false,
    make: (bytes) => `[${trustingWith('['.repeat(bytes))}]`,
  },
  // Many small valid transactions, keys not in canonical order (the
  // general parser, not the canonical fast path).
  many: {
    valid: true,
    make: (bytes) => {
      const unit = trustingWith(SMALL_CHANGES)
      return `[${repeatJoined(unit, Math.floor(bytes / (unit.length + 1)))}]`
    },
  },
  // The same in canonical form (the fast path).
  'many canonical': {
    valid: true,
    make: (bytes) => {
      const unit = trustingWith(SMALL_CHANGES, true)
      return `[${repeatJoined(unit, Math.floor(bytes / (unit.length + 1)))}]`
    },
  },
  // One valid transaction holding one large string, keys not canonical.
  large: {
    valid: true,
    make: (bytes) => `[${trustingWith(`"${'x'.repeat(bytes)}"`)}]`,
  },
  // The same in canonical form.
  'large canonical': {
    valid: true,
    make: (bytes) => `[${trustingWith(`"${'x'.repeat(bytes)}"`, true)}]`,
  },
}

// ---------- one measurement (child) ----------

function procStatusKiB(field) {
  const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
  if (!match) throw new Error(`no ${field} in /proc/self/status`)
  return Number(match[1])
}

function measureChild(impl, shapeName, mib, oursPath) {
  const ref = require('cojson-core-napi')
  const lib = impl === 'ours' ? require(oursPath) : ref
  const header = JSON.stringify({ meta: null, ruleset: { type: 'unsafeAllowAll' }, type: 'comap', uniqueness: 'received-memory' })
  const coId = `co_z${ref.shortHash(header).slice('shortHash_z'.length)}`
  const secret = `signerSecret_z${'A'.repeat(43)}`
  const signerId = ref.getSignerId(new TextEncoder().encode(secret))
  const session = 'co_zReceiver_session_zMemory1'
  // A well-formed signature (skipVerify: it is not checked against the batch).
  const author = new ref.SessionMap(coId, header, null, false)
  const { signature } = JSON.parse(author.makeNewTrustingTransaction(session, secret, '[]', null, 1))

  let json = SHAPES[shapeName].make(Math.round(mib * MiB))
  // Make sure it is a flat sequential string before measuring.
  json = Buffer.from(json, 'latin1').toString('latin1')
  const map = new lib.SessionMap(coId, header, null, false)
  for (let i = 0; i < 3; i++) globalThis.gc()
  writeFileSync('/proc/self/clear_refs', '5')
  const before = procStatusKiB('VmRSS')
  let outcome
  try {
    map.addTransactions(session, signerId, json, signature, true)
    outcome = `accepted ${map.getTransactionCount(session)}`
  } catch (error) {
    outcome = 'rejected'
  }
  const peak = procStatusKiB('VmHWM')
  process.stdout.write(JSON.stringify({ inputBytes: json.length, growthBytes: (peak - before) * 1024, outcome }))
}

// ---------- the table (parent) ----------

function runChild(impl, shape, mib, oursPath) {
  const script = fileURLToPath(import.meta.url)
  const out = execFileSync(process.execPath, ['--expose-gc', script, 'child', impl, shape, String(mib), oursPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out)
}

const fmtMiB = (bytes) => (bytes / MiB).toFixed(1)

/**
 * Prints the table for `sizes` (MiB) and `shapes`; sets a failing exit code
 * when the two implementations accept or reject differently.
 */
export function receivedMemorySection({ sizes = [1, 4, 15], shapes = Object.keys(SHAPES), oursPath = OURS_DEFAULT } = {}) {
  console.log(`\n## Peak RSS growth for one received batch (one child process each; ours: ${path.relative(process.cwd(), oursPath) || oursPath})\n`)
  const rows = []
  const mismatches = []
  let worstVsRef = 0
  let worstVsInput = 0
  for (const shape of shapes) {
    for (const mib of sizes) {
      const ref = runChild('ref', shape, mib, oursPath)
      const ours = runChild('ours', shape, mib, oursPath)
      if (ref.outcome !== ours.outcome) mismatches.push(`${shape} ${mib} MiB: ours ${ours.outcome}, reference ${ref.outcome}`)
      const vsRef = ours.growthBytes / Math.max(ref.growthBytes, 1)
      worstVsRef = Math.max(worstVsRef, vsRef)
      worstVsInput = Math.max(worstVsInput, ours.growthBytes / ours.inputBytes)
      rows.push([
        shape,
        fmtMiB(ours.inputBytes),
        ours.outcome === ref.outcome ? ours.outcome : `${ours.outcome} / ref ${ref.outcome}`,
        fmtMiB(ref.growthBytes),
        `${(ref.growthBytes / ref.inputBytes).toFixed(2)}×`,
        fmtMiB(ours.growthBytes),
        `${(ours.growthBytes / ours.inputBytes).toFixed(2)}×`,
        `${vsRef.toFixed(2)}`,
      ])
    }
  }
  table(['shape', 'input MiB', 'outcome', 'ref peak MiB', 'ref/input', 'ours peak MiB', 'ours/input', 'ours/ref'], rows)
  console.log(`\nworst ours/ref: ${worstVsRef.toFixed(2)}; worst ours/input: ${worstVsInput.toFixed(2)}×`)
  if (mismatches.length) {
    console.log(`\noutcomes differ:\n${mismatches.join('\n')}`)
    process.exitCode = 1
  }
}

function main(args) {
  const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  receivedMemorySection({
    sizes: option('sizes')?.split(',').map(Number),
    shapes: option('shapes')?.split(','),
    oursPath: option('ours') && path.resolve(option('ours')),
  })
}

if (process.argv[2] === 'child') measureChild(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6] ?? OURS_DEFAULT)
else if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
