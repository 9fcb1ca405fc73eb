// A vitest reporter that writes one JSON summary of the run to the file named by
// COJSON_SUITE_SUMMARY (scripts/cojson-suite.mjs reads it):
//   { passed, failed, skipped, flaky: [name], failures: [{ name, error }],
//     moduleErrors: [{ file, error }], unhandledErrors: [message] }
// A test is "flaky" when it failed at first and passed on a retry (test.fails
// tests excepted).
import { writeFileSync } from 'node:fs'

function firstLine(error) {
  const text = String(error?.message ?? error ?? '')
  return text.split('\n').slice(0, 6).join('\n')
}

export default class SummaryReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const out = process.env.COJSON_SUITE_SUMMARY
    if (!out) return
    const summary = { passed: 0, failed: 0, skipped: 0, flaky: [], failures: [], moduleErrors: [], unhandledErrors: [] }
    for (const testModule of testModules) {
      for (const error of testModule.errors()) {
        summary.moduleErrors.push({ file: testModule.relativeModuleId, error: firstLine(error) })
      }
      for (const testCase of testModule.children.allTests()) {
        const name = `${testModule.relativeModuleId} > ${testCase.fullName}`
        const result = testCase.result()
        if (result.state === 'passed') {
          summary.passed += 1
          // A `test.fails` test's body is meant to fail, so vitest retries it every
          // time before inverting the result: that is not flakiness.
          if (testCase.diagnostic()?.flaky && !testCase.options.fails) summary.flaky.push(name)
        } else if (result.state === 'failed') {
          summary.failed += 1
          summary.failures.push({ name, error: firstLine(result.errors?.[0]) })
        } else {
          summary.skipped += 1
        }
      }
    }
    summary.unhandledErrors = unhandledErrors.map(firstLine)
    writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`)
  }
}
