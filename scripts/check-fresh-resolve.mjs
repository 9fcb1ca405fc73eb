// CI check: the crate builds from a fresh dependency resolve, not only from
// the committed Cargo.lock. Copies the crate's sources to a temporary
// directory, resolves every dependency anew (`cargo generate-lockfile`, the
// newest versions Cargo.toml allows) and runs `cargo check` with the Node-API
// binding. Fails when a dependency that Cargo.toml leaves loose would break
// the build (see the napi-derive-backend pin in Cargo.toml).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'cojson-native-resolve-'))

function run(args) {
  console.log(`$ cargo ${args.join(' ')}`)
  const result = spawnSync('cargo', args, { cwd: dir, stdio: 'inherit', env: { ...process.env, CARGO_TARGET_DIR: join(dir, 'target') } })
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    console.error(`fresh resolve: cargo ${args[0]} failed (exit ${result.status ?? result.signal})`)
    process.exit(1)
  }
}

try {
  for (const entry of ['Cargo.toml', 'build.rs', 'src', 'benches', 'tests']) cpSync(join(root, entry), join(dir, entry), { recursive: true })
  run(['generate-lockfile', '--quiet'])
  run(['check', '--quiet', '--lib'])
  console.log('fresh resolve: builds')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
