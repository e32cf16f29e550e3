// Validates CSAF provider-metadata.json files against OASIS's provider schema (with the part
// of the CSAF schema it refers to), using the ajv that comes with BSI's validator.
// Usage: node provider-validate.mjs FILE... Prints the errors and a summary; exit 0 when valid.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

const here = dirname(fileURLToPath(import.meta.url))
const schemas = join(here, '..', 'data', 'csaf', 'schemas')
const load = (f) => JSON.parse(readFileSync(join(schemas, f), 'utf8'))
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
const csaf = load('csaf_json_schema.json')
ajv.addSchema({
  $id: csaf.$id,
  properties: { document: { properties: { publisher: csaf.properties.document.properties.publisher } } },
})
const validate = ajv.compile(load('provider_json_schema.json'))
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
  if (!validate(doc)) {
    bad++
    for (const e of validate.errors ?? []) console.log(`${file}: ${e.instancePath || '/'} ${e.message}`)
  }
}
console.log(`provider-metadata: ${process.argv.length - 2} files, ${bad} invalid`)
process.exit(bad ? 1 : 0)
