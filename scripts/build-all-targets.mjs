// `npm run build:all-targets`: builds the release binary for every target in
// package.json `napi.targets` on this Linux x64 machine with cargo-zigbuild
// (zig as the C toolchain and linker), into
// `artifacts/bindings-<triple>/cojson-native.<platform>.node` — the layout
// `napi artifacts` reads — then runs scripts/verify-artifacts.mjs on them.
//
// It installs what it needs by itself, pinned, under artifacts/tools/:
// the rustup targets, zig from PyPI (`ziglang`) and cargo-zigbuild from crates.
// gnu targets are linked against glibc 2.17 (`<triple>.2.17`); musl targets
// link musl dynamically (`-crt-static` off) because a Node addon must share
// the process's libc.
//
// Usage: node scripts/build-all-targets.mjs [--only triple,triple] [--no-verify]
// Environment: BUILD_NICE (default 10) — nice level of the cargo builds.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { platformOfTriple } from './loader.mjs'

export const ZIGLANG_VERSION = '0.15.2'
export const CARGO_ZIGBUILD_VERSION = '0.24.1'
/** Oldest glibc the gnu binaries may need (CentOS 7 / RHEL 7, Amazon Linux 2). */
export const GLIBC_FLOOR = '2.17'

/** Oldest macOS each darwin binary loads on: the oldest Node 20 supports. */
export const MACOS_MINIMUM = { 'x86_64-apple-darwin': '10.15', 'aarch64-apple-darwin': '11.0' }

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tools = join(root, 'artifacts', 'tools')
const zigDir = join(tools, `ziglang-${ZIGLANG_VERSION}`, 'ziglang')
const zigbuildRoot = join(tools, `cargo-zigbuild-${CARGO_ZIGBUILD_VERSION}`)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const libName = 'libcojson_native'

function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000, status: result.status ?? result.signal }
}

function must(command, args, options) {
  const result = run(command, args, options)
  if (!result.ok) {
    console.error(`failed: ${command} ${args.join(' ')} (exit ${result.status})`)
    process.exit(1)
  }
  return result
}

/** Installs the rustup targets, zig and cargo-zigbuild when missing. */
export function ensureTools(triples, needsZig = true) {
  const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).stdout ?? ''
  const missing = triples.filter((triple) => !installed.split('\n').includes(triple))
  if (missing.length > 0) must('rustup', ['target', 'add', ...missing])
  if (!needsZig) return {}
  if (!existsSync(join(zigDir, 'zig'))) {
    must('python3', [
      '-m', 'pip', 'install', '--disable-pip-version-check', '--no-deps',
      '--target', dirname(zigDir), `ziglang==${ZIGLANG_VERSION}`,
    ])
  }
  if (!existsSync(join(zigbuildRoot, 'bin', 'cargo-zigbuild'))) {
    must('nice', [
      '-n', process.env.BUILD_NICE ?? '10', 'cargo', 'install', '--locked',
      `cargo-zigbuild@${CARGO_ZIGBUILD_VERSION}`, '--root', zigbuildRoot,
    ])
  }
  return {
    // cargo-zigbuild looks for `zig` on PATH; cargo finds `cargo-zigbuild` there too.
    PATH: [join(zigbuildRoot, 'bin'), zigDir, process.env.PATH].join(delimiter),
  }
}

/** What cargo-zigbuild is asked for: gnu targets carry the glibc floor as a suffix. */
function zigTarget(triple) {
  return triple.includes('-linux-gnu') ? `${triple}.${GLIBC_FLOOR}` : triple
}

function libraryFile(triple) {
  return triple.includes('apple-darwin') ? `${libName}.dylib` : `${libName}.so`
}

function envKey(triple) {
  return triple.toUpperCase().replaceAll('-', '_')
}

function main() {
  const args = process.argv.slice(2)
  const onlyIndex = args.indexOf('--only')
  const only = onlyIndex === -1 ? null : args[onlyIndex + 1].split(',')
  const triples = pkg.napi.targets.filter((triple) => !only || only.includes(triple))
  const needsZig = triples.some((triple) => !(process.platform === 'darwin' && triple.includes('apple-darwin')))
  const toolEnv = ensureTools(triples, needsZig)
  const report = []
  for (const triple of triples) {
    const platform = platformOfTriple(triple)
    const env = { ...process.env, ...toolEnv }
    // Node 20 itself needs macOS 10.15 (x64) / 11.0 (arm64); zig would
    // otherwise stamp its own, newer minimum into the binary.
    if (triple.includes('apple-darwin')) env.MACOSX_DEPLOYMENT_TARGET ??= MACOS_MINIMUM[triple]
    if (triple.includes('-musl')) env[`CARGO_TARGET_${envKey(triple)}_RUSTFLAGS`] = '-C target-feature=-crt-static'
    console.log(`\n== ${triple} (${platform})`)
    // On a macOS host (the release workflow's runners) darwin targets use
    // Apple's own toolchain and SDK; everything else goes through zig.
    const native = process.platform === 'darwin' && triple.includes('apple-darwin')
    const cargoArgs = native
      ? ['build', '--release', '--locked', '--target', triple]
      : ['zigbuild', '--release', '--locked', '--target', zigTarget(triple)]
    const build = run('nice', ['-n', process.env.BUILD_NICE ?? '10', 'cargo', ...cargoArgs], { env })
    const entry = { triple, platform, ok: build.ok, buildSeconds: Math.round(build.seconds * 10) / 10 }
    const built = join(root, 'target', triple, 'release', libraryFile(triple))
    if (build.ok && existsSync(built)) {
      const outDir = join(root, 'artifacts', `bindings-${triple}`)
      mkdirSync(outDir, { recursive: true })
      const out = join(outDir, `${pkg.napi.binaryName}.${platform}.node`)
      copyFileSync(built, out)
      entry.file = out.slice(root.length + 1)
      entry.bytes = statSync(out).size
    } else {
      entry.ok = false
    }
    report.push(entry)
  }
  writeFileSync(join(root, 'artifacts', 'build-report.json'), JSON.stringify(report, null, 2) + '\n')
  console.log('\n== build report')
  for (const entry of report) {
    console.log(
      `${entry.ok ? 'ok  ' : 'FAIL'} ${entry.triple.padEnd(32)} ${String(entry.buildSeconds).padStart(6)}s ` +
        `${entry.bytes ? `${(entry.bytes / 1024).toFixed(0)} KiB` : ''}`,
    )
  }
  const failed = report.filter((entry) => !entry.ok)
  if (!args.includes('--no-verify') && report.some((entry) => entry.ok)) {
    must('node', [join('scripts', 'verify-artifacts.mjs'), ...report.filter((e) => e.ok).map((e) => e.file)])
  }
  if (failed.length > 0) {
    console.error(`\nnot built: ${failed.map((entry) => entry.triple).join(', ')}`)
    process.exit(1)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
