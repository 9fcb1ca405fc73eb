// `npm test`: builds the addon from source, then runs every test suite in turn
// and stops at the first failure.
//
//   1. cargo fmt --check, cargo clippy -D warnings
//   2. cargo test (the Rust core, no Node-API)
//   3. npm run build (the release addon, index.js and index.d.ts at the package
//      root); on CI the regenerated index.js / index.d.ts must equal the
//      committed ones
//   4. node --test __test__/ (JS tests, differential against cojson-core-napi)
//   5. cojson@0.20.19's own test suite on this addon (vitest)
//   6. the JS tests on Node 22 and 24, a smoke test under Deno and Bun
//   7. the Next.js example: next build, next start, standalone output
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function run(title, command, args, env = {}) {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0) {
    console.error(`\n${title} failed after ${seconds}s (exit ${result.status ?? result.signal})`)
    process.exit(result.status || 1)
  }
  console.log(`== ${title}: ok in ${seconds}s`)
}

const jsTests = readdirSync(join(root, '__test__'))
  .filter((name) => name.endsWith('.test.mjs'))
  .sort()
  .map((name) => join('__test__', name))

run('format', 'cargo', ['fmt', '--check'])
run('lint', 'cargo', ['clippy', '--all-targets', '--locked', '--', '-D', 'warnings'])
run('lint (core only)', 'cargo', ['clippy', '--all-targets', '--locked', '--no-default-features', '--', '-D', 'warnings'])
run('rust tests', 'cargo', ['test', '--locked', '--no-default-features'])
run('build', 'npm', ['run', 'build'])
if (process.env.CI) run('generated files are committed', 'git', ['diff', '--exit-code', '--', 'index.js', 'index.d.ts'])
run('js tests', 'node', ['--test', '--test-concurrency=1', ...jsTests])
run('cojson suite', 'node', ['scripts/cojson-suite.mjs'])
run('other runtimes', 'node', ['scripts/test-runtimes.mjs'])
run('next.js example', 'node', ['scripts/test-nextjs.mjs'])
