import { describe, expect, it } from 'vitest'
import { route53Records } from '../steps/route53-records.js'
import { route53Ttl } from '../steps/route53-ttl.js'
import { fqdn, parseKey, recordKey } from '../steps/route53/names.js'
import { formatGate, ttlGate } from '../steps/route53/ttl-gate.js'

const T = Date.parse('2026-03-02T13:07:10Z')

describe('route53 helpers (pure)', () => {
  it('qualifies names and round-trips keys', () => {
    expect(fqdn('Orders', 'example.com.')).toBe('orders.example.com.')
    expect(fqdn('@', 'example.com.')).toBe('example.com.')
    expect(fqdn('example.com', 'example.com.')).toBe('example.com.')
    expect(fqdn('*.shop', 'example.com.')).toBe('\\052.shop.example.com.')
    expect(fqdn('www.example.com.', 'example.com.')).toBe('www.example.com.')
    const key = recordKey('/hostedzone/Z1', { Name: 'www.example.com.', Type: 'CNAME', SetIdentifier: 'ecs' })
    expect(key).toBe('route53:Z1:www.example.com.:CNAME:ecs')
    expect(parseKey(key)).toEqual({ zoneId: 'Z1', name: 'www.example.com.', type: 'CNAME', setIdentifier: 'ecs' })
    expect(parseKey('route53:Z1:a.example.com.:A:-')).toEqual({ zoneId: 'Z1', name: 'a.example.com.', type: 'A' })
  })

  it('computes the TTL gate from facts and formats it', () => {
    const fact = (name: string, previousTtl: number, insyncAt: number) => ({ kind: 'route53.ttl-lowered', step: 'lower', data: { zoneId: 'Z1', name, type: 'CNAME', previousTtl, ttl: 60, insyncAt } })
    const facts = [fact('a.example.com.', 3600, T - 2 * 60_000), fact('b.example.com.', 300, T), fact('c.example.com.', 9999, T)]
    const gate = ttlGate(facts, ['route53:Z1:a.example.com.:CNAME:-', 'route53:Z1:b.example.com.:CNAME:x'])
    expect(gate).toEqual({ notBefore: T + 58 * 60_000, records: ['a.example.com. CNAME', 'b.example.com. CNAME'], previousTtl: 3600 })
    expect(formatGate(gate!.notBefore, T)).toBe('14:05:10Z, 58 min from now')
    expect(formatGate(T + 86_400_000, T)).toBe('2026-03-03 13:07:10Z, 1440 min from now')
    expect(ttlGate(facts, ['route53:Z2:a.example.com.:CNAME:-'])).toBeNull()
  })

  it('diffs TTLs without touching aliases, and nothing when done', () => {
    const p = route53Ttl.params.parse({ zone: 'example.com', ttl: 60, names: ['a'] })
    const now = {
      'route53:Z1:a.example.com.:CNAME:-': { Name: 'a.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'x' }] },
      'route53:Z1:a.example.com.:A:-': { Name: 'a.example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z', DNSName: 'd.', EvaluateTargetHealth: false } },
    }
    const changes = route53Ttl.diff(p, now)
    expect(changes).toEqual([{ key: 'route53:Z1:a.example.com.:CNAME:-', before: now['route53:Z1:a.example.com.:CNAME:-'], after: { ...now['route53:Z1:a.example.com.:CNAME:-'], TTL: 60 }, summary: 'a.example.com. CNAME ttl 300 -> 60' }])
    expect(route53Ttl.diff(p, { 'route53:Z1:a.example.com.:CNAME:-': changes[0].after })).toEqual([])
  })

  it('explains bad params', () => {
    const issues = (step: { params: { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } } }, v: unknown) => JSON.stringify(step.params.safeParse(v).error?.issues ?? [])
    expect(issues(route53Ttl, { zone: 'example.com', ttl: 60 })).toContain('give either names (with optional types) or select')
    expect(issues(route53Records, { zone: 'example.com', records: [{ name: 'a', type: 'CNAME' }] })).toContain('give either values or alias')
    expect(issues(route53Records, { zone: 'Z1', records: [{ name: 'a', type: 'CNAME', values: ['x'] }] })).toContain('fully qualified')
    expect(issues(route53Records, { zone: 'example.com', records: [{ name: 'a', type: 'CNAME', values: ['x'] }], weighted: { from: 'a', to: 'b', stages: [50, 10] } })).toContain('stages must rise and end at 100')
    expect(route53Records.params.parse({ zone: 'example.com', records: [{ name: 'a', type: 'CNAME', values: ['x'] }] })).toMatchObject({ ttlGate: 'wait', maxShare: 0.3 })
  })
})
