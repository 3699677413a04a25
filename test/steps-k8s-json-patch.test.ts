/**
 * The JSON patch (RFC 6902) check of k8s.patch, pure: which operations apply to an object, and
 * what is there instead when one does not.
 */
import { describe, expect, it } from 'vitest'
import { applyJsonPatch } from '../steps/kube/json-patch.js'

const split = {
  metadata: { name: 'website', labels: { app: 'shop' } },
  spec: { service: 'website', backends: [{ service: 'website-ecs', weight: 100 }, { service: 'website-eks', weight: 0 }] },
}
const problem = (ops: Parameters<typeof applyJsonPatch>[1]) => {
  const r = applyJsonPatch(split, ops)
  return 'problem' in r ? r.problem : undefined
}

describe('applyJsonPatch', () => {
  it('replace, remove and test need the path: a missing one names the deepest parent and what it holds', () => {
    expect(problem([{ op: 'replace', path: '/spec/backend/1/weight', value: 100 }])).toBe('json[0] replace /spec/backend/1/weight: /spec/backend: not found; /spec has backends, service')
    expect(problem([{ op: 'remove', path: '/metadata/annotations/x' }])).toBe('json[0] remove /metadata/annotations/x: /metadata/annotations: not found; /metadata has labels, name')
    expect(problem([{ op: 'test', path: '/spec/weight', value: 1 }])).toBe('json[0] test /spec/weight: /spec/weight: not found; /spec has backends, service')
    expect(problem([{ op: 'replace', path: '/spec/service/name', value: 'x' }])).toBe('json[0] replace /spec/service/name: /spec/service/name: not found; /spec/service is a string')
  })

  it('array indices must be in range and plain numbers', () => {
    expect(problem([{ op: 'replace', path: '/spec/backends/2/weight', value: 1 }])).toBe('json[0] replace /spec/backends/2/weight: /spec/backends/2: not found; /spec/backends has 2 items (0..1)')
    expect(problem([{ op: 'replace', path: '/spec/backends/01/weight', value: 1 }])).toMatch(/\/spec\/backends\/01: not found; \/spec\/backends has 2 items/)
    expect(problem([{ op: 'add', path: '/spec/backends/3', value: {} }])).toBe('json[0] add /spec/backends/3: /spec/backends/3: index out of range; /spec/backends has 2 items (0..1); add at 2 appends')
  })

  it('add needs the parent; it sets an object member whether or not it exists', () => {
    expect(problem([{ op: 'add', path: '/metadata/annotations/x', value: 'y' }])).toBe('json[0] add /metadata/annotations/x: /metadata/annotations: not found; /metadata has labels, name')
    const r = applyJsonPatch(split, [
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/x', value: 'y' },
      { op: 'add', path: '/metadata/labels/app', value: 'web' },
    ])
    expect(r).toEqual({ doc: { ...split, metadata: { name: 'website', labels: { app: 'web' }, annotations: { x: 'y' } } } })
    expect(split.metadata).toEqual({ name: 'website', labels: { app: 'shop' } })
  })

  it('adds to a list only at its end and removes only its last item (anything else shifts items and cannot be undone by path)', () => {
    const appended = applyJsonPatch(split, [{ op: 'add', path: '/spec/backends/2', value: { service: 'x', weight: 0 } }])
    expect('doc' in appended && (appended.doc as typeof split).spec.backends.map((b) => b.service)).toEqual(['website-ecs', 'website-eks', 'x'])
    expect(problem([{ op: 'add', path: '/spec/backends/0', value: {} }])).toBe('json[0] add /spec/backends/0: inserting into a list shifts the items after it and cannot be undone by path; add at /spec/backends/2 (the end) or replace /spec/backends/0')
    expect(problem([{ op: 'remove', path: '/spec/backends/0' }])).toBe('json[0] remove /spec/backends/0: removing from a list shifts the items after it and cannot be undone by path; only the last item, /spec/backends/1, can be removed')
    const removed = applyJsonPatch(split, [{ op: 'remove', path: '/spec/backends/1' }])
    expect('doc' in removed && (removed.doc as typeof split).spec.backends).toHaveLength(1)
  })

  it('test compares as JSON (key order aside) and writes nothing; a failed test says what is there', () => {
    expect(applyJsonPatch(split, [{ op: 'test', path: '/spec/backends/0', value: { weight: 100, service: 'website-ecs' } }])).toEqual({ doc: split })
    expect(problem([{ op: 'test', path: '/spec/backends/0/weight', value: 0 }, { op: 'replace', path: '/spec/backends/0/weight', value: 0 }])).toBe(
      'json[0] test /spec/backends/0/weight: test failed: expected 0, found 100',
    )
  })

  it('checks each operation against the result of the ones before it', () => {
    expect(problem([{ op: 'remove', path: '/metadata/labels' }, { op: 'replace', path: '/metadata/labels/app', value: 'x' }])).toBe(
      'json[1] replace /metadata/labels/app: /metadata/labels: not found; /metadata has name',
    )
  })
})
