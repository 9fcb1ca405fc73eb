// What gets built and published: the release workflow's build matrix, the
// npm/<platform> package dirs and package.json `napi.targets` must agree, the
// platform package manifests must be right for npm's os/cpu/libc selection,
// and `npm pack` must ship only what users need.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load as parseYaml } from 'js-yaml'
import { platformOfTriple } from '../scripts/loader.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const targets = pkg.napi.targets
const release = parseYaml(readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8'))
const npmDirs = readdirSync(join(root, 'npm'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

const sorted = (list) => [...list].sort()
const NODE_CPU = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm' }

function npmPack(cwd) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [result] = JSON.parse(out)
  return result.files.map((file) => file.path).sort()
}

test('the release build matrix is exactly package.json napi.targets', () => {
  const matrix = release.jobs.build.strategy.matrix.include.map((entry) => entry.target)
  assert.equal(new Set(matrix).size, matrix.length, 'no target is built twice')
  assert.deepEqual(sorted(matrix), sorted(targets))
  for (const entry of release.jobs.build.strategy.matrix.include) {
    const onMac = entry.host.startsWith('macos')
    assert.equal(onMac, entry.target.includes('apple-darwin'), `${entry.target} builds on ${entry.host}`)
  }
})

test('every released target is tested on its platform before publishing', () => {
  const tested = new Set([
    ...release.jobs['test-macos'].strategy.matrix.target,
    ...release.jobs['test-linux'].strategy.matrix.include.map((entry) => entry.target),
  ])
  assert.deepEqual(sorted(tested), sorted(targets))
  assert.deepEqual(sorted(release.jobs.publish.needs), ['build', 'test-linux', 'test-macos'])
  const steps = release.jobs.publish.steps.map((step) => step.run ?? '')
  const prepublish = steps.findIndex((run) => run.includes('napi prepublish'))
  const rootPublish = steps.findIndex((run) => run.startsWith('npm publish'))
  assert.ok(prepublish !== -1 && rootPublish > prepublish, 'platform packages are published before the root')
  assert.match(steps[rootPublish], /--provenance/)
  assert.equal(release.jobs.publish.permissions['id-token'], 'write')
})

test('npm/ has one package dir per target', () => {
  assert.deepEqual(npmDirs, sorted(targets.map(platformOfTriple)))
})

test('optionalDependencies are left to `napi prepublish` at release', () => {
  // Written from the npm/ dirs with the release version; a committed list
  // would go stale with every version bump.
  assert.equal(pkg.optionalDependencies, undefined)
})

for (const triple of targets) {
  const platform = platformOfTriple(triple)
  test(`npm/${platform}/package.json selects ${triple} and ships only its binary`, () => {
    const manifest = JSON.parse(readFileSync(join(root, 'npm', platform, 'package.json'), 'utf8'))
    const binary = `${pkg.napi.binaryName}.${platform}.node`
    assert.equal(manifest.name, `${pkg.name}-${platform}`)
    assert.equal(manifest.version, pkg.version, 'napi version keeps these in step')
    assert.equal(manifest.main, binary)
    assert.deepEqual(manifest.files, [binary])
    assert.deepEqual(manifest.os, [platform.split('-')[0]])
    assert.deepEqual(manifest.cpu, [NODE_CPU[triple.split('-')[0]]])
    if (triple.includes('linux')) {
      assert.deepEqual(manifest.libc, [triple.includes('musl') ? 'musl' : 'glibc'])
    } else {
      assert.equal(manifest.libc, undefined)
    }
    assert.deepEqual(manifest.engines, pkg.engines)
    assert.equal(manifest.license, pkg.license)
    assert.equal(manifest.repository, undefined, 'the release workflow sets it')
    assert.match(readFileSync(join(root, 'npm', platform, 'README.md'), 'utf8'), new RegExp(`\\*\\*${triple}\\*\\*`))
  })
}

test('engines.node is true for the Node-API level Cargo.toml enables', () => {
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8')
  const napiLine = cargo.split('\n').find((line) => /^napi\s*=/.test(line))
  const levels = [...napiLine.matchAll(/"napi(\d+)"/g)].map((match) => Number(match[1]))
  assert.ok(levels.length > 0, napiLine)
  // Node 20.0.0 has Node-API 8 (9 came with 20.3.0).
  assert.equal(pkg.engines.node, '>= 20')
  assert.ok(Math.max(...levels) <= 8, `napi${Math.max(...levels)} needs a newer Node than 20.0.0`)
})

test('npm pack of the root ships the loader, types and docs, no binary', () => {
  const files = npmPack(root)
  for (const required of ['index.js', 'index.d.ts', 'package.json', 'LICENSE']) {
    assert.ok(files.includes(required), `${required} is packed`)
  }
  const allowed = (file) =>
    ['index.js', 'index.d.ts', 'package.json', 'README.md', 'LICENSE'].includes(file) ||
    file.startsWith('crypto/')
  assert.deepEqual(files.filter((file) => !allowed(file)), [])
})

test('npm pack of a platform package ships the .node, package.json and README.md only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cojson-native-pack-'))
  try {
    for (const platform of npmDirs) {
      const copy = join(dir, platform)
      cpSync(join(root, 'npm', platform), copy, { recursive: true })
      const binary = `${pkg.napi.binaryName}.${platform}.node`
      writeFileSync(join(copy, binary), 'stand-in for the binary')
      writeFileSync(join(copy, 'stray.log'), 'must not ship')
      writeFileSync(join(copy, `${pkg.napi.binaryName}.other.node`), 'must not ship')
      assert.deepEqual(npmPack(copy), sorted([binary, 'package.json', 'README.md']), platform)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('verify-artifacts reads the addon built at the root and flags a wrong platform', async (t) => {
  const { checkBinary, readElf } = await import('../scripts/verify-artifacts.mjs')
  const local = join(root, `${pkg.napi.binaryName}.linux-x64-gnu.node`)
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(local)) {
    t.skip('needs the linux-x64-gnu addon at the root')
    return
  }
  const buffer = readFileSync(local)
  const elf = readElf(buffer)
  assert.equal(elf.format, 'ELF64')
  assert.equal(elf.machine, 0x3e)
  assert.ok(elf.exported.includes('napi_register_module_v1'))
  assert.ok(elf.imported.includes('napi_create_string_utf8'), 'Node-API functions come from the host process')
  assert.ok(elf.needed.includes('libc.so.6'))
  assert.ok(elf.versions.some((version) => version.startsWith('GLIBC_2.')))
  // Whatever glibc this local build needs, the architecture checks hold.
  const asArm64 = checkBinary(buffer, 'linux-arm64-gnu').problems
  assert.ok(asArm64.includes('e_machine 0x3e is not arm64'), asArm64.join('; '))
  const asMusl = checkBinary(buffer, 'linux-x64-musl').problems
  assert.ok(asMusl.includes('needs GLIBC symbol versions'), asMusl.join('; '))
  assert.deepEqual(checkBinary(buffer, 'darwin-x64').problems, ['not a 64-bit Mach-O file'])
  assert.deepEqual(checkBinary(Buffer.from('not a binary at all'), 'linux-x64-gnu').problems, ['not an ELF file'])
})
