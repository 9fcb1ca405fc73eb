// The drop-in surface: every export of cojson-core-napi@0.20.19 exists here
// with the same kind, and its TypeScript declaration (parameter names, types,
// return type) in our generated index.d.ts equals the reference's.
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
