// Tests of cojson's suite that are not run, each with the reason. Keep this
// list as short as possible: every entry is a hole in what `npm run
// test:cojson` proves. `file` is a glob relative to the repo root.
export const excludedTests = []
