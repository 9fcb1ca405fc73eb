// The drop-in surface: every export of cojson-core-napi@0.20.19, and of the
// older generations 0.18.38, 0.19.22 and 0.20.7, exists here with the same
// kind, and its TypeScript declaration (parameter names, types, return type)
// in our generated index.d.ts equals the reference's (for the older
// generations' SessionLog: is contained in ours, which serves them all).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { ours, ref } from './helpers/common.mjs'

const require = createRequire(import.meta.url)
const referenceDts = readFileSync(require.resolve('cojson-core-napi/index.d.ts'), 'utf8')
const ourDts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')

/** Maps each exported name to its declaration lines, comments and blank lines removed. */
function declarations(dts) {
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
  const out = new Map()
  const lines = code.split('\n').map((line) => line.trim()).filter(Boolean)
  for (let i = 0; i < lines.length; i++) {
    const fn = lines[i].match(/^export declare function (\w+)(.*)$/)
    if (fn) out.set(fn[1], [`function ${fn[1]}${fn[2]}`])
    const block = lines[i].match(/^export (?:declare class|interface) (\w+)/)
    if (block) {
      const body = [lines[i].replace(/^export (declare )?/, '')]
      while (lines[++i] !== '}') body.push(lines[i])
      out.set(block[1], body.sort())
    }
  }
  return out
}

const theirs = declarations(referenceDts)
const mine = declarations(ourDts)

test('every reference export exists with the same kind', () => {
  for (const name of Object.keys(ref)) {
    assert.ok(name in ours, `missing export ${name}`)
    assert.equal(typeof ours[name], typeof ref[name], name)
  }
})

test('every reference declaration is ours too, exactly', () => {
  assert.ok(theirs.size >= 30, `parsed ${theirs.size} reference declarations`)
  for (const [name, declaration] of theirs) {
    assert.deepEqual(mine.get(name), declaration, name)
  }
})

// The older generations (cojson 0.18 to 0.20.7 pin these exactly): their
// `SessionLog` is served by one class here, so our declaration holds every
// line of each one's; all their other declarations are ours exactly.
const olderReferences = [
  ['0.18.38', 'cojson-core-napi-0-18'],
  ['0.19.22', 'cojson-core-napi-0-19'],
  ['0.20.7', 'cojson-core-napi-0-20-7'],
]

for (const [version, alias] of olderReferences) {
  test(`cojson-core-napi@${version}: every export exists with the same kind and declaration`, () => {
    const older = require(alias)
    for (const name of Object.keys(older)) {
      assert.ok(name in ours, `missing export ${name}`)
      assert.equal(typeof ours[name], typeof older[name], name)
    }
    const declared = declarations(readFileSync(require.resolve(`${alias}/index.d.ts`), 'utf8'))
    assert.ok(declared.has('SessionLog') && declared.size >= 25, `parsed ${declared.size} declarations`)
    for (const [name, declaration] of declared) {
      if (name === 'SessionLog') {
        const missing = declaration.filter((line) => !mine.get(name).includes(line))
        assert.deepEqual(missing, [], `SessionLog lines of ${version} not in ours`)
      } else {
        assert.deepEqual(mine.get(name), declaration, name)
      }
    }
  })
}
