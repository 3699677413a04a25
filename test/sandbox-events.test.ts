import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge'
import { referenceEstate } from '../fixtures/generate.js'
import type { Estate, EventRule } from '../sandbox/estate.js'
import { failure, startAwsSandbox, type AwsSandbox } from './sandbox-aws-helpers.js'

const PROD = 'arn:aws:ecs:us-east-1:000000000000:cluster/prod'

/** The reference estate plus 120 prod rules (every 3rd without an ECS target), 7 targets on one, a custom bus and a managed rule. */
function bigEstate(): Estate {
  const estate = referenceEstate()
  const template = estate.events.rules.find((r) => r.Name === 'prod-orders-hourly-report')!
  for (let i = 0; i < 120; i++) {
    const name = `prod-bulk-${String(i).padStart(3, '0')}`
    const rule: EventRule = structuredClone({ ...template, Name: name, Arn: `arn:aws:events:us-east-1:000000000000:rule/${name}` })
    if (i % 3 === 2) rule.Targets = [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:bulk' }]
    estate.events.rules.push(rule)
  }
  const many = estate.events.rules.find((r) => r.Name === 'prod-bulk-000')!
  for (let i = 1; i < 7; i++) many.Targets.push({ Id: `extra-${i}`, Arn: `arn:aws:sqs:us-east-1:000000000000:extra-${i}` })
  estate.events.rules.push({
    ...structuredClone(template),
    Name: 'orders-on-custom-bus',
    Arn: 'arn:aws:events:us-east-1:000000000000:rule/ops/orders-on-custom-bus',
    EventBusName: 'ops',
  })
  estate.events.rules.push({ ...structuredClone(template), Name: 'aws-managed', Arn: 'arn:aws:events:us-east-1:000000000000:rule/aws-managed', ManagedBy: 'ecs.amazonaws.com' })
  return estate
}

describe('sandbox EventBridge over the real SDK', () => {
  let s: AwsSandbox
  beforeAll(async () => {
    s = await startAwsSandbox(bigEstate())
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('pages ListRules by Limit and NextToken, filtered by NamePrefix, in name order', async () => {
    const names: string[] = []
    let pages = 0
    let token: string | undefined
    do {
      const page = await s.events.send(new ListRulesCommand({ NamePrefix: 'prod-', Limit: 50, NextToken: token }))
      pages++
      names.push(...(page.Rules ?? []).map((r) => r.Name!))
      token = page.NextToken
    } while (token)
    expect([pages, names.length, new Set(names).size]).toEqual([3, 123, 123])
    expect(names).toEqual([...names].sort())
    const first = await s.events.send(new ListRulesCommand({ NamePrefix: 'prod-orders', Limit: 1 }))
    expect(first.Rules).toEqual([
      {
        Name: 'prod-orders-hourly-report',
        Arn: 'arn:aws:events:us-east-1:000000000000:rule/prod-orders-hourly-report',
        State: 'ENABLED',
        Description: 'Runs orders-report on ECS cluster prod',
        ScheduleExpression: 'cron(0 * * * ? *)',
        EventBusName: 'default',
      },
    ])
    expect(first.NextToken).toBeUndefined()
    const custom = await s.events.send(new ListRulesCommand({ EventBusName: 'ops' }))
    expect(custom.Rules?.map((r) => r.Name)).toEqual(['orders-on-custom-bus'])
    const byArn = await s.events.send(new ListRulesCommand({ EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/ops' }))
    expect(byArn.Rules).toHaveLength(1)
    expect(await failure(s.events.send(new ListRulesCommand({ EventBusName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 })
    expect((await failure(s.events.send(new ListRulesCommand({ NextToken: 'garbage' })))).name).toBe('ValidationException')
  })

  it('describes a rule with every field', async () => {
    const out = await s.events.send(new DescribeRuleCommand({ Name: 'prod-inventory-sync' }))
    const { $metadata, ...rule } = out
    expect($metadata.httpStatusCode).toBe(200)
    expect(rule).toEqual({
      Name: 'prod-inventory-sync',
      Arn: 'arn:aws:events:us-east-1:000000000000:rule/prod-inventory-sync',
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Description: 'Runs inventory-sync on ECS cluster prod',
      EventBusName: 'default',
      CreatedBy: '000000000000',
    })
    const missing = await failure(s.events.send(new DescribeRuleCommand({ Name: 'nope' })))
    expect(missing).toEqual({ name: 'ResourceNotFoundException', status: 400, message: 'Rule nope does not exist on EventBus default.' })
    // A rule on another bus is not found on the default bus.
    expect((await failure(s.events.send(new DescribeRuleCommand({ Name: 'orders-on-custom-bus' })))).name).toBe('ResourceNotFoundException')
    expect((await s.events.send(new DescribeRuleCommand({ Name: 'orders-on-custom-bus', EventBusName: 'ops' }))).EventBusName).toBe('ops')
  })

  it('lists targets with EcsParameters, paged', async () => {
    const out = await s.events.send(new ListTargetsByRuleCommand({ Rule: 'prod-orders-hourly-report' }))
    expect(out.Targets).toEqual([
      {
        Id: 'orders-report-task',
        Arn: PROD,
        RoleArn: 'arn:aws:iam::000000000000:role/ecsEventsRole',
        EcsParameters: { TaskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/prod-orders-report:1', TaskCount: 1, LaunchType: 'FARGATE' },
      },
    ])
    const page1 = await s.events.send(new ListTargetsByRuleCommand({ Rule: 'prod-bulk-000', Limit: 5 }))
    const page2 = await s.events.send(new ListTargetsByRuleCommand({ Rule: 'prod-bulk-000', Limit: 5, NextToken: page1.NextToken }))
    expect([page1.Targets?.length, page2.Targets?.length, page2.NextToken]).toEqual([5, 2, undefined])
    expect((await failure(s.events.send(new ListTargetsByRuleCommand({ Rule: 'nope' })))).name).toBe('ResourceNotFoundException')
  })

  it('finds the rules that target a cluster ARN, paged', async () => {
    const names: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await s.events.send(new ListRuleNamesByTargetCommand({ TargetArn: PROD, Limit: 30, NextToken: token }))
      names.push(...(page.RuleNames ?? []))
      token = page.NextToken
      pages++
    } while (token)
    // 2 reference ECS rules + 80 of the 120 bulk rules + the managed one; never the SQS rules or the other bus.
    expect([names.length, pages]).toEqual([83, 3])
    expect(names).toContain('prod-orders-hourly-report')
    expect(names).toContain('prod-inventory-sync')
    expect(names).not.toContain('prod-audit-to-sqs')
    expect(names).not.toContain('prod-bulk-002')
    expect(names).not.toContain('orders-on-custom-bus')
    const test = await s.events.send(new ListRuleNamesByTargetCommand({ TargetArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/test' }))
    expect(test.RuleNames).toEqual(['test-inventory-sync', 'test-orders-hourly-report'])
    const onOps = await s.events.send(new ListRuleNamesByTargetCommand({ TargetArn: PROD, EventBusName: 'ops' }))
    expect(onOps.RuleNames).toEqual(['orders-on-custom-bus'])
  })

  it('disables and enables idempotently, and refuses missing and managed rules', async () => {
    const state = async () => (await s.events.send(new DescribeRuleCommand({ Name: 'prod-orders-hourly-report' }))).State
    await s.events.send(new DisableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    expect(await state()).toBe('DISABLED')
    const before = JSON.stringify(s.sandbox.core.estate.events)
    await s.events.send(new DisableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    expect(JSON.stringify(s.sandbox.core.estate.events)).toBe(before)
    await s.events.send(new EnableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    await s.events.send(new EnableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    expect(await state()).toBe('ENABLED')
    expect(await failure(s.events.send(new EnableRuleCommand({ Name: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 400,
      message: 'Rule nope does not exist on EventBus default.',
    })
    expect((await failure(s.events.send(new DisableRuleCommand({ Name: 'aws-managed' })))).name).toBe('ManagedRuleException')
    const calls = s.sandbox.calls().filter((c) => c.service === 'events')
    expect(calls.filter((c) => c.mutating).map((c) => c.operation)).toEqual(['DisableRule', 'DisableRule', 'EnableRule', 'EnableRule', 'EnableRule', 'DisableRule'])
    expect(calls.filter((c) => !c.mutating).every((c) => /^(List|Describe)/.test(c.operation))).toBe(true)
  })

  it('answers injected faults in EventBridge shapes', async () => {
    s.sandbox.faults.add({ service: 'events', operation: 'DisableRule', error: 'Conflict', nth: 1 })
    s.sandbox.faults.add({ service: 'events', operation: 'ListRules', error: 'Throttling', nth: 1 })
    try {
      expect(await failure(s.events.send(new DisableRuleCommand({ Name: 'prod-inventory-sync' })))).toMatchObject({ name: 'ConcurrentModificationException', status: 400 })
      expect(await failure(s.events.send(new ListRulesCommand({})))).toMatchObject({ name: 'ThrottlingException', status: 400 })
      expect((await s.events.send(new DescribeRuleCommand({ Name: 'prod-inventory-sync' }))).State).toBe('ENABLED')
    } finally {
      s.sandbox.faults.clear()
    }
  })
})
