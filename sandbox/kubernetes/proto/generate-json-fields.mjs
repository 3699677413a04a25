// Derives json-fields.json from the Go struct tags of k8s.io/api and k8s.io/apimachinery.
//
// The generated.proto files give the wire format but not the JSON one: a field's JSON name, whether
// it is `omitempty`, and whether the Go field is a pointer (present-but-zero stays in the JSON)
// live only in the Go struct tags, e.g.
//   Replicas *int32 `json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`
// This script reads those tags and writes, per proto message, per field number:
// [jsonName, omitempty, pointer]; jsonName "" marks an inline (flattened) embedded struct.
//
// Usage: node generate-json-fields.mjs <k8s.io/api checkout> <k8s.io/apimachinery checkout>
// (both at the tag the .proto files were copied from; see README.md).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [api, machinery] = process.argv.slice(2)
if (!api || !machinery) {
  console.error('usage: node generate-json-fields.mjs <api checkout> <apimachinery checkout>')
  process.exit(2)
}

const packages = [
  [api, 'core/v1', 'k8s.io.api.core.v1'],
  [api, 'apps/v1', 'k8s.io.api.apps.v1'],
  [api, 'batch/v1', 'k8s.io.api.batch.v1'],
  [api, 'autoscaling/v1', 'k8s.io.api.autoscaling.v1'],
  [api, 'coordination/v1', 'k8s.io.api.coordination.v1'],
  [api, 'discovery/v1', 'k8s.io.api.discovery.v1'],
  [machinery, 'pkg/apis/meta/v1', 'k8s.io.apimachinery.pkg.apis.meta.v1'],
]

const out = {}
for (const [root, dir, pkg] of packages) {
  for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort()) {
    let message = null
    for (const line of readFileSync(join(root, dir, file), 'utf8').split('\n')) {
      const start = /^type (\w+) struct \{/.exec(line)
      if (start) {
        message = `${pkg}.${start[1]}`
        continue
      }
      if (line.startsWith('}')) message = null
      if (!message) continue
      // `\tName Type \`tags\`` or an embedded `\tpkg.Type \`tags\``
      const field = /^\t(?:\w+\s+)?(\S+)\s+`(.*)`/.exec(line)
      if (!field) continue
      const json = /json:"([^"]*)"/.exec(field[2])
      const proto = /protobuf:"\w+,(\d+),/.exec(field[2])
      if (!json || !proto) continue
      const [name, ...opts] = json[1].split(',')
      if (name === '-') continue
      // an embedded struct with `json:",inline"` is a field of its own on the wire, flattened in JSON
      if (name === '' && !opts.includes('inline')) continue
      ;(out[message] ??= {})[proto[1]] = [name, opts.includes('omitempty'), field[1].startsWith('*')]
    }
  }
}
const lines = Object.keys(out).sort().map((m) => `  ${JSON.stringify(m)}: ${JSON.stringify(out[m])}`)
writeFileSync(new URL('./json-fields.json', import.meta.url), `{\n${lines.join(',\n')}\n}\n`)
console.log(`${Object.keys(out).length} messages`)
