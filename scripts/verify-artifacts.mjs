// `npm run verify:artifacts [files…]`: checks each prebuilt binary
// `cojson-native.<platform>.node` (default: artifacts/bindings-*/*.node)
// against what its platform package promises, reading the ELF / Mach-O
// headers in JS (no external tool):
//   - the file format and architecture (ELF e_machine and class, ARM hard-float
//     EABI; Mach-O 64-bit cputype, a dylib);
//   - gnu: the highest GLIBC_x.y symbol version needed is at most 2.17;
//   - musl: nothing but musl's libc is NEEDED, and no GLIBC versions;
//   - the Node-API registration symbol `napi_register_module_v1` is exported.
// Prints one line per file with its size, and exits 1 if any check fails.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const GLIBC_FLOOR = [2, 17]
const REGISTER = 'napi_register_module_v1'

const ELF_MACHINE = { x64: 0x3e, arm64: 0xb7, arm: 0x28 }
const ELF_CLASS = { x64: 2, arm64: 2, arm: 1 }
/** Oldest macOS each darwin binary may require (the oldest Node 20 supports). */
const MACOS_MINIMUM = { x64: '10.15', arm64: '11.0' }
const MACHO_CPU = { x64: 0x01000007, arm64: 0x0100000c }
const GNU_LIBS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libgcc_s\.so\.1|ld-linux[\w.-]*\.so\.\d)$/
const MUSL_LIBS = /^(libc\.so|libc\.musl-[\w]+\.so\.1|ld-musl-[\w]+\.so\.1)$/

function cString(buffer, offset) {
  const end = buffer.indexOf(0, offset)
  return buffer.toString('latin1', offset, end === -1 ? buffer.length : end)
}

/**
 * Reads the parts of an ELF shared object that the checks need: machine,
 * flags, NEEDED libraries, needed symbol versions, and the names of the
 * dynamic symbols it defines (`exported`) and leaves undefined (`imported`).
 */
export function readElf(buffer) {
  const is64 = buffer[4] === 2
  if (buffer[5] !== 1) throw new Error('big-endian ELF is not expected here')
  const word = (offset) => (is64 ? Number(buffer.readBigUInt64LE(offset)) : buffer.readUInt32LE(offset))
  const machine = buffer.readUInt16LE(18)
  const flags = buffer.readUInt32LE(is64 ? 48 : 36)
  const shoff = word(is64 ? 40 : 32)
  const shentsize = buffer.readUInt16LE(is64 ? 58 : 46)
  const shnum = buffer.readUInt16LE(is64 ? 60 : 48)
  const sections = []
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize
    sections.push({
      type: buffer.readUInt32LE(at + 4),
      offset: word(at + (is64 ? 24 : 16)),
      size: word(at + (is64 ? 32 : 20)),
      link: buffer.readUInt32LE(at + (is64 ? 40 : 24)),
    })
  }
  const strings = (section) => (offset) => cString(buffer, sections[section.link].offset + offset)

  const needed = []
  for (const section of sections.filter((s) => s.type === 6 /* SHT_DYNAMIC */)) {
    const entry = is64 ? 16 : 8
    for (let at = section.offset; at + entry <= section.offset + section.size; at += entry) {
      const tag = word(at)
      if (tag === 0) break
      if (tag === 1 /* DT_NEEDED */) needed.push(strings(section)(word(at + entry / 2)))
    }
  }

  const versions = []
  for (const section of sections.filter((s) => s.type === 0x6ffffffe /* SHT_GNU_verneed */)) {
    let at = section.offset
    for (;;) {
      const count = buffer.readUInt16LE(at + 2)
      let aux = at + buffer.readUInt32LE(at + 8)
      for (let i = 0; i < count; i++) {
        versions.push(strings(section)(buffer.readUInt32LE(aux + 8)))
        const next = buffer.readUInt32LE(aux + 12)
        if (next === 0) break
        aux += next
      }
      const next = buffer.readUInt32LE(at + 12)
      if (next === 0) break
      at += next
    }
  }

  const exported = []
  const imported = []
  for (const section of sections.filter((s) => s.type === 11 /* SHT_DYNSYM */)) {
    const entry = is64 ? 24 : 16
    for (let at = section.offset + entry; at + entry <= section.offset + section.size; at += entry) {
      const shndx = buffer.readUInt16LE(at + (is64 ? 6 : 14))
      const name = strings(section)(buffer.readUInt32LE(at))
      if (shndx !== 0) exported.push(name)
      else if (name) imported.push(name)
    }
  }
  return { format: is64 ? 'ELF64' : 'ELF32', machine, flags, needed, versions, exported, imported }
}

/** Reads the parts of a 64-bit little-endian Mach-O file that the checks need. */
export function readMachO(buffer) {
  const cputype = buffer.readUInt32LE(4)
  const filetype = buffer.readUInt32LE(12)
  const ncmds = buffer.readUInt32LE(16)
  const dylibs = []
  const exported = []
  let minOs = null
  let signed = false
  let symbols = 0
  let at = 32
  for (let i = 0; i < ncmds; i++) {
    const cmd = buffer.readUInt32LE(at)
    const size = buffer.readUInt32LE(at + 4)
    if (cmd === 0x0c /* LC_LOAD_DYLIB */) dylibs.push(cString(buffer, at + buffer.readUInt32LE(at + 8)))
    if (cmd === 0x32 /* LC_BUILD_VERSION */) {
      const v = buffer.readUInt32LE(at + 12)
      minOs = `${v >>> 16}.${(v >>> 8) & 0xff}`
    }
    if (cmd === 0x1d /* LC_CODE_SIGNATURE */) signed = true
    if (cmd === 0x02 /* LC_SYMTAB */) {
      const symoff = buffer.readUInt32LE(at + 8)
      const nsyms = buffer.readUInt32LE(at + 12)
      symbols = nsyms
      const stroff = buffer.readUInt32LE(at + 16)
      for (let s = 0; s < nsyms; s++) {
        const entry = symoff + s * 16
        const type = buffer[entry + 4]
        // N_EXT and defined in a section (N_SECT)
        if ((type & 0x01) !== 0 && (type & 0x0e) === 0x0e) {
          exported.push(cString(buffer, stroff + buffer.readUInt32LE(entry)).replace(/^_/, ''))
        }
      }
    }
    at += size
  }
  return { format: 'Mach-O 64', cputype, filetype, dylibs, minOs, signed, symbols, exported }
}

function glibcVersion(name) {
  const match = /^GLIBC_(\d+)\.(\d+)(?:\.(\d+))?$/.exec(name)
  return match ? [Number(match[1]), Number(match[2])] : null
}

const newer = (a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])

/**
 * Checks one binary for `platform` (e.g. `linux-arm-gnueabihf`). Returns
 * `{ summary, problems }`; `problems` is empty when every check passes.
 */
export function checkBinary(buffer, platform) {
  const [os, arch, abi] = platform.split('-')
  const problems = []
  let summary
  if (os === 'darwin') {
    if (buffer.readUInt32LE(0) !== 0xfeedfacf) return { summary: 'not Mach-O 64', problems: ['not a 64-bit Mach-O file'] }
    const info = readMachO(buffer)
    if (info.cputype !== MACHO_CPU[arch]) problems.push(`cputype 0x${info.cputype.toString(16)} is not ${arch}`)
    if (info.filetype !== 6 && info.filetype !== 8) problems.push(`Mach-O filetype ${info.filetype} is not a dylib/bundle`)
    if (!info.exported.includes(REGISTER)) problems.push(`${REGISTER} is not exported`)
    const minimum = MACOS_MINIMUM[arch].split('.').map(Number)
    const minOs = (info.minOs ?? '99.0').split('.').map(Number)
    if (newer(minOs, minimum)) problems.push(`needs macOS ${info.minOs} > ${MACOS_MINIMUM[arch]}`)
    // Apple silicon refuses to load unsigned code; an ad-hoc signature is enough.
    if (arch === 'arm64' && !info.signed) problems.push('no code signature (arm64 macOS will not load it)')
    const otherLibs = info.dylibs.filter((lib) => !lib.startsWith('/usr/lib/'))
    if (otherLibs.length > 0) problems.push(`links beyond /usr/lib: ${otherLibs.join(', ')}`)
    summary =
      `${info.format} ${arch}, macOS >= ${info.minOs ?? '?'}, ${info.signed ? 'signed' : 'unsigned'}, ` +
      `${info.symbols} symbols, links ${info.dylibs.map((lib) => basename(lib)).join(' ')}`
  } else {
    if (buffer.readUInt32BE(0) !== 0x7f454c46) return { summary: 'not ELF', problems: ['not an ELF file'] }
    const info = readElf(buffer)
    if (info.machine !== ELF_MACHINE[arch]) problems.push(`e_machine 0x${info.machine.toString(16)} is not ${arch}`)
    if (info.format !== `ELF${ELF_CLASS[arch] === 2 ? 64 : 32}`) problems.push(`${info.format} for ${arch}`)
    if (arch === 'arm' && (info.flags & 0x400) === 0) problems.push('not the hard-float ARM EABI')
    if (!info.exported.includes(REGISTER)) problems.push(`${REGISTER} is not exported`)
    const glibc = info.versions.map(glibcVersion).filter(Boolean)
    const highest = glibc.reduce((max, v) => (newer(v, max) ? v : max), [0, 0])
    if (abi.startsWith('musl')) {
      const other = info.needed.filter((lib) => !MUSL_LIBS.test(lib))
      if (other.length > 0) problems.push(`NEEDED beyond musl libc: ${other.join(', ')}`)
      if (glibc.length > 0) problems.push('needs GLIBC symbol versions')
      summary = `${info.format} ${arch}, NEEDED ${info.needed.join(' ') || '(none)'}`
    } else {
      const other = info.needed.filter((lib) => !GNU_LIBS.test(lib))
      if (other.length > 0) problems.push(`NEEDED beyond glibc: ${other.join(', ')}`)
      if (newer(highest, GLIBC_FLOOR)) problems.push(`needs GLIBC_${highest.join('.')} > ${GLIBC_FLOOR.join('.')}`)
      summary = `${info.format} ${arch}, GLIBC <= ${highest.join('.')}, NEEDED ${info.needed.join(' ')}`
    }
  }
  return { summary, problems }
}

function defaultFiles() {
  const dir = join(root, 'artifacts')
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('bindings-'))
    .flatMap((entry) =>
      readdirSync(join(dir, entry.name))
        .filter((name) => name.endsWith('.node'))
        .map((name) => join(dir, entry.name, name)),
    )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles()
  let failed = 0
  for (const file of files) {
    const match = /^[\w-]+\.([\w-]+)\.node$/.exec(basename(file))
    if (!match) {
      console.error(`FAIL ${file}: not named <binaryName>.<platform>.node`)
      failed++
      continue
    }
    const { summary, problems } = checkBinary(readFileSync(file), match[1])
    const size = `${(statSync(file).size / 1024).toFixed(0)} KiB`
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${relative(root, file).padEnd(62)} ${size.padStart(9)}  ${summary}`)
    for (const problem of problems) console.log(`       - ${problem}`)
    if (problems.length) failed++
  }
  if (files.length === 0) console.error('no artifacts to verify')
  console.log(`${files.length - failed} passed, ${failed} failed`)
  process.exit(failed > 0 || files.length === 0 ? 1 : 0)
}
