// `npm run fuzz`: runs every cargo-fuzz target in fuzz/ for a bounded time.
//
//   FUZZ_SECONDS=30         seconds per target (default 30)
//   FUZZ_TARGETS=a,b        only these targets (default: all, from `cargo fuzz list`)
//   FUZZ_JOBS=1             libFuzzer worker processes per target (default 1)
//
// cargo-fuzz needs nightly-only compiler flags (-Zsanitizer=address and
// friends). Only the stable toolchain is installed here, so this script sets
// RUSTC_BOOTSTRAP=1, which lets the stable compiler accept them. It installs
// cargo-fuzz (pinned, `cargo install --locked`) when it is missing.
//
// Each target starts from its committed seed corpus, fuzz/corpus/<target>/,
// but new inputs go to a temporary directory, so the committed corpus stays
// as it is. A crash leaves its input in fuzz/artifacts/<target>/; replay it with
//   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>   (from fuzz/)
// and add it to fuzz/corpus/<target>/ once fixed, as a regression seed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CARGO_FUZZ_VERSION = '0.13.2'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fuzzDir = join(root, 'fuzz')
const seconds = Number(process.env.FUZZ_SECONDS ?? 30)
const jobs = Number(process.env.FUZZ_JOBS ?? 1)
const env = { ...process.env, RUSTC_BOOTSTRAP: '1' }

function run(command, args, options = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`)
  return spawnSync(command, args, { cwd: fuzzDir, stdio: 'inherit', env, ...options })
}

function cargoFuzzVersion() {
  const result = spawnSync('cargo', ['fuzz', '--version'], { encoding: 'utf8', env })
  return result.status === 0 ? result.stdout.trim() : null
}

if (!cargoFuzzVersion()) {
  console.log(`cargo-fuzz is missing: installing ${CARGO_FUZZ_VERSION}`)
  const install = run('cargo', ['install', '--locked', 'cargo-fuzz', '--version', CARGO_FUZZ_VERSION], { cwd: root })
  if (install.status !== 0) process.exit(install.status || 1)
}
console.log(`using ${cargoFuzzVersion()}, ${seconds}s per target`)

const listed = spawnSync('cargo', ['fuzz', 'list'], { cwd: fuzzDir, encoding: 'utf8', env })
if (listed.status !== 0) {
  console.error(listed.stderr)
  process.exit(1)
}
const all = listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean)
const targets = process.env.FUZZ_TARGETS ? process.env.FUZZ_TARGETS.split(',') : all
for (const target of targets) {
  if (!all.includes(target)) {
    console.error(`unknown target ${target}; targets: ${all.join(', ')}`)
    process.exit(2)
  }
}

// Build all targets once, so the time limit below is spent fuzzing.
const build = run('cargo', ['fuzz', 'build'])
if (build.status !== 0) process.exit(build.status || 1)

const results = []
for (const target of targets) {
  const seeds = join(fuzzDir, 'corpus', target)
  const work = mkdtempSync(join(tmpdir(), `cojson-native-fuzz-${target}-`))
  const corpora = existsSync(seeds) ? [work, seeds] : [work]
  const started = Date.now()
  const result = run('cargo', [
    'fuzz',
    'run',
    target,
    ...corpora,
    '--',
    `-max_total_time=${seconds}`,
    '-timeout=10',
    '-rss_limit_mb=4096',
    '-max_len=65536',
    // libFuzzer's -jobs mode sends output to fuzz-N.log files: only on request.
    ...(jobs > 1 ? [`-jobs=${jobs}`, `-workers=${jobs}`] : []),
    '-print_final_stats=1',
  ])
  const found = readdirSync(work).length
  rmSync(work, { recursive: true, force: true })
  results.push({ target, ok: result.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(0), newInputs: found })
}

console.log('\n== fuzz summary')
for (const { target, ok, seconds: s, newInputs } of results) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${target} (${s}s, ${newInputs} new corpus inputs)`)
}
process.exit(results.every((r) => r.ok) ? 0 : 1)
