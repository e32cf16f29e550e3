// Validates CSAF 2.0 documents with BSI's csaf-validator-lib: the strict schema and every
// mandatory test (6.1.x). Usage: node validate.mjs FILE... Prints one line per error (file,
// test, JSON path, message) and a summary; exit 0 only when every file is valid with 0 errors.
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]
let bad = 0
for (const file of process.argv.slice(2)) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.log(`${file}: not JSON: ${e.message}`)
    bad++
    continue
  }
  const result = await validateStrict(tests, doc)
  let errors = 0
  for (const t of result.tests) {
    for (const e of t.errors ?? []) {
      errors++
      console.log(`${file}: ${t.name}: ${e.instancePath} ${e.message}`)
    }
  }
  if (!result.isValid || errors) bad++
}
console.log(`csaf: ${process.argv.length - 2} documents, ${bad} invalid`)
process.exit(bad ? 1 : 0)
