/**
 * The playbook the harness kills: the given one with the gate(s) of every weighted `route53.records`
 * step and every gated `mesh.shift` replaced by an HTTP gate (one check per stage; a bake checks at
 * its start, middle and end) on the harness's gate server, so that a kill can land during a gate
 * and the server sees, at each check, which stage the records or the mesh object are at. The copy lives
 * in a tree of links that mirrors the playbook's directory and its parent, so relative paths
 * (`../fixtures/...`) still resolve. The URL is the var `killGateUrl`, set per sandbox with --var.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { parseDocument } from 'yaml'
import { parseDuration } from '../../runner/playbook/duration.js'

export const GATE_VAR = 'killGateUrl'

/**
 * One staged step of the playbook: what the gate server needs to tell the stage from the estate.
 * `record`: the record name (route53), or the mesh object's name (mesh: a TrafficSplit or
 * HTTPRoute in `cluster`, the first of the step's clusters; names as written, not templated).
 */
export type WeightedStep =
  | { kind: 'route53'; step: string; record: string; from: string; to: string; stages: number[] }
  | { kind: 'mesh'; step: string; record: string; cluster: string; from: string; to: string; stages: number[] }

/** `environments`: the names the playbook declares (none: it runs without --env). */
export type GatedPlaybook = { file: string; weighted: WeightedStep[]; environments: string[] }

export async function gatedPlaybook(original: string, work: string): Promise<GatedPlaybook> {
  const doc = parseDocument(await readFile(original, 'utf8'))
  const weighted: WeightedStep[] = []
  const js = doc.toJS() as { environments?: Record<string, unknown>; steps?: Array<{ id: string; type: string; with?: Record<string, any> }> }
  const steps = js.steps ?? []
  for (const [i, s] of steps.entries()) {
    if (s.type === 'mesh.shift' && s.with?.gates) {
      const m = s.with
      // A bake samples the gate every `intervalSeconds` until it has passed: at its start, middle and end.
      const intervalSeconds = m.bake ? parseDuration(String(m.bake))! / 2000 : 0
      doc.setIn(['steps', i, 'with', 'gates'], doc.createNode([{ http: { url: `\${{ vars.${GATE_VAR} }}`, expectStatus: 200, times: 1, intervalSeconds } }]))
      const cluster = String((m.clusters ?? ['default'])[0])
      weighted.push({ kind: 'mesh', step: s.id, record: String(m.name), cluster, from: m.from, to: m.to, stages: m.stages ?? [10, 50, 100] })
      continue
    }
    const w = s.with?.weighted
    if (s.type !== 'route53.records' || !(w?.gate || w?.gates)) continue
    if (w.gates) doc.deleteIn(['steps', i, 'with', 'weighted', 'gates'])
    doc.setIn(['steps', i, 'with', 'weighted', 'gate'], doc.createNode({ http: { url: `\${{ vars.${GATE_VAR} }}`, expectStatus: 200, times: 1, intervalSeconds: 0 } }))
    weighted.push({ kind: 'route53', step: s.id, record: String(s.with!.records[0].name), from: w.from, to: w.to, stages: w.stages ?? [10, 50, 100] })
  }
  doc.setIn(['vars', GATE_VAR], 'http://127.0.0.1:9/unset')
  const dir = dirname(original)
  const tree = join(work, 'tree')
  await mkdir(join(tree, basename(dir)), { recursive: true })
  for (const e of await readdir(dirname(dir))) if (e !== basename(dir)) await symlink(join(dirname(dir), e), join(tree, e))
  for (const e of await readdir(dir)) if (e !== basename(original)) await symlink(join(dir, e), join(tree, basename(dir), e))
  const file = join(tree, basename(dir), basename(original))
  await writeFile(file, doc.toString())
  return { file, weighted, environments: Object.keys(js.environments ?? {}) }
}
