import { describe, expect, it } from 'vitest'
import { evaluateWhen, expandDeep, expandString, parseDuration, type TemplateScope } from '../runner/playbook/index.js'
import { editDistance, nearest } from '../runner/playbook/suggest.js'

const scope: TemplateScope = {
  vars: { ttl: 60, zone: 'example.com', on: true, names: ['a', 'b'], eq: 'x == y' },
  env: { name: 'prod', region: 'us-east-1' },
  runId: 'r-1',
}

describe('templates', () => {
  it('keep the type of a whole-value template and stringify embedded ones', () => {
    expect(expandString('${{ vars.ttl }}', scope)).toEqual({ value: 60, errors: [] })
    expect(expandString('${{vars.names}}', scope)).toEqual({ value: ['a', 'b'], errors: [] })
    expect(expandString('ttl=${{ vars.ttl }} in ${{ env.region }}', scope)).toEqual({ value: 'ttl=60 in us-east-1', errors: [] })
    expect(expandString('${{ vars.names }}!', scope).value).toBe('["a","b"]!')
    expect(expandString('${{ run.id }}-${{ env.name }}', scope).value).toBe('r-1-prod')
  })

  it('write $${{ as a literal ${{', () => {
    expect(expandString('$${{ vars.ttl }}', scope).value).toBe('${{ vars.ttl }}')
    expect(expandString('a $${{ b }} ${{ vars.ttl }}', scope).value).toBe('a ${{ b }} 60')
  })

  it('resolve inside lists and maps, leaving keys and non-strings alone', () => {
    const r = expandDeep({ a: ['${{ vars.zone }}', 1, { b: '${{ vars.ttl }}' }], '${{ k }}': null }, scope)
    expect(r).toEqual({ value: { a: ['example.com', 1, { b: 60 }], '${{ k }}': null }, errors: [] })
  })

  it('report unknown vars, roots, fields and non-expressions without evaluating anything', () => {
    const msg = (s: string, sc: TemplateScope = scope) => expandString(s, sc).errors.map((e) => e.message)
    expect(msg('${{ vars.zon }}')).toEqual(['unknown var "zon" (did you mean "zone"?); declare it under vars'])
    expect(msg('x ${{ secret.key }}')[0]).toMatch(/^unknown template root "secret"/)
    expect(msg('${{ env.profile }}')).toEqual(['environment "prod" sets no profile'])
    expect(msg('${{ env.zone }}')[0]).toMatch(/^unknown env field "zone"/)
    expect(msg('${{ env.name }}', { vars: {}, runId: 'r' })[0]).toMatch(/declares no environments/)
    expect(msg('${{ globalThis.process.exit() }}')[0]).toMatch(/is not a template/)
    expect(msg('a ${{ vars.ttl ')[0]).toMatch(/^unclosed template/)
    expect(msg('${{ vars.__proto__ }}')[0]).toMatch(/^unknown var "__proto__"/)
  })
})

describe('when', () => {
  it('accepts the grammar', () => {
    const v = (w: string | boolean) => evaluateWhen(w, scope).value
    expect(v(true)).toBe(true)
    expect(v('false')).toBe(false)
    expect(v('${{ vars.on }}')).toBe(true)
    expect(v('${{ env.name }} == prod')).toBe(true)
    expect(v('${{ env.name }} != prod')).toBe(false)
    expect(v('"${{ env.name }}" == \'prod\'')).toBe(true)
    expect(v('${{ vars.ttl }} == 60')).toBe(true)
    // An operator inside a value does not count: only operators written outside templates do.
    expect(v('${{ vars.eq }} == ${{ vars.eq }}')).toBe(true)
  })

  it('refuses anything else', () => {
    const g = (w: string) => evaluateWhen(w, scope)
    expect(g('${{ env.name }} = prod').grammar).toMatch(/^expected A == B/)
    expect(g('${{ vars.zone }}').grammar).toMatch(/got "example.com"/)
    expect(g('a == b == c').grammar).toMatch(/only one comparison/)
    expect(g('== prod').grammar).toMatch(/empty/)
    expect(g('${{ vars.nope }} == x').errors[0]!.message).toMatch(/unknown var "nope"/)
  })
})

describe('durations and suggestions', () => {
  it('parse durations and refuse bare numbers', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('30')).toBeUndefined()
    expect(parseDuration('1.5h')).toBeUndefined()
  })

  it('suggest near names only', () => {
    expect(editDistance('tiemout', 'timeout')).toBe(1)
    expect(nearest('stpes', ['version', 'steps'])).toBe('steps')
    expect(nearest('banana', ['version', 'steps'])).toBeUndefined()
  })
})
