import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  GetScheduleCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  UpdateScheduleCommand,
  type GetScheduleCommandOutput,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler'
import { referenceEstate } from '../fixtures/generate.js'
import { canonicalJson } from '../runner/canonical.js'
import type { Estate, Schedule } from '../sandbox/estate.js'
import { failure, startAwsSandbox, type AwsSandbox } from './sandbox-aws-helpers.js'

/** The reference estate plus 150 schedules in a `batch` group, every 4th disabled. */
function bigEstate(): Estate {
  const estate = referenceEstate()
  const template = estate.scheduler.schedules.find((x) => x.Name === 'prod-orders-cleanup')!
  estate.scheduler.groups = [...new Set([...estate.scheduler.groups, 'batch'])]
  for (let i = 0; i < 150; i++) {
    const name = `batch-${String(i).padStart(3, '0')}`
    estate.scheduler.schedules.push({
      ...structuredClone(template),
      Name: name,
      GroupName: 'batch',
      Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/batch/${name}`,
      State: i % 4 === 3 ? 'DISABLED' : 'ENABLED',
    })
  }
  return estate
}

/** UpdateSchedule input carrying everything GetSchedule returned (the read-modify-write a step does). */
function fullDefinition(got: GetScheduleCommandOutput): UpdateScheduleCommandInput {
  const { $metadata, Arn, CreationDate, LastModificationDate, ...definition } = got
  return definition as UpdateScheduleCommandInput
}

const stored = (s: AwsSandbox, name: string, group = 'default'): Schedule =>
  structuredClone(s.sandbox.core.estate.scheduler.schedules.find((x) => x.Name === name && x.GroupName === group)!)

describe('sandbox EventBridge Scheduler over the real SDK', () => {
  let s: AwsSandbox
  beforeAll(async () => {
    s = await startAwsSandbox(bigEstate())
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('pages ListSchedules and filters by group, name prefix and state', async () => {
    let pages = 0
    const names: string[] = []
    for await (const page of paginateListSchedules({ client: s.scheduler, pageSize: 40 }, { GroupName: 'batch' })) {
      pages++
      names.push(...(page.Schedules ?? []).map((x) => x.Name!))
    }
    expect([pages, names.length, new Set(names).size]).toEqual([4, 150, 150])
    const all = await s.scheduler.send(new ListSchedulesCommand({}))
    expect(all.Schedules).toHaveLength(100) // default and maximum page size
    expect(all.NextToken).toBeTruthy()
    const disabled = await s.scheduler.send(new ListSchedulesCommand({ GroupName: 'batch', State: 'DISABLED', NamePrefix: 'batch-00' }))
    expect(disabled.Schedules?.map((x) => x.Name)).toEqual(['batch-003', 'batch-007'])
    const summary = (await s.scheduler.send(new ListSchedulesCommand({ NamePrefix: 'prod-website' }))).Schedules
    expect(summary).toEqual([
      {
        Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/prod-website-sitemap',
        Name: 'prod-website-sitemap',
        GroupName: 'default',
        State: 'ENABLED',
        CreationDate: new Date('2026-01-15T09:00:00.000Z'),
        LastModificationDate: new Date('2026-01-15T09:00:00.000Z'),
        Target: { Arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod' },
      },
    ])
    expect(await failure(s.scheduler.send(new ListSchedulesCommand({ GroupName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 })
    expect((await failure(s.scheduler.send(new ListSchedulesCommand({ NextToken: 'garbage' })))).name).toBe('ValidationException')
  })

  it('gets a schedule with every field, dates as Dates', async () => {
    const { $metadata, ...got } = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-website-sitemap', GroupName: 'default' }))
    expect(got).toEqual({
      Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/prod-website-sitemap',
      GroupName: 'default',
      Name: 'prod-website-sitemap',
      ScheduleExpression: 'cron(15 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Description: 'Regenerates the website sitemap',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      CreationDate: new Date('2026-01-15T09:00:00.000Z'),
      LastModificationDate: new Date('2026-01-15T09:00:00.000Z'),
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
      Target: {
        Arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod',
        RoleArn: 'arn:aws:iam::000000000000:role/schedulerEcsRole',
        Input: JSON.stringify({ containerOverrides: [{ name: 'sitemap', command: ['node', 'sitemap.js', '--full'] }] }),
        RetryPolicy: { MaximumEventAgeInSeconds: 185, MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:prod-scheduler-dlq' },
        EcsParameters: { TaskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/prod-website-sitemap:1', TaskCount: 1, LaunchType: 'FARGATE' },
      },
    })
    const missing = await failure(s.scheduler.send(new GetScheduleCommand({ Name: 'nope' })))
    expect(missing).toEqual({ name: 'ResourceNotFoundException', status: 404, message: 'Schedule nope does not exist.' })
    expect((await failure(s.scheduler.send(new GetScheduleCommand({ Name: 'prod-website-sitemap', GroupName: 'batch' })))).status).toBe(404)
  })

  it('disables a schedule sent whole with State DISABLED, keeping every other field byte for byte', async () => {
    const before = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-website-sitemap' }))
    const storedBefore = stored(s, 'prod-website-sitemap')
    await s.sandbox.clock.sleep(60_000)
    const out = await s.scheduler.send(new UpdateScheduleCommand({ ...fullDefinition(before), State: 'DISABLED' }))
    expect(out.ScheduleArn).toBe(before.Arn)
    const after = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-website-sitemap' }))
    const strip = ({ $metadata, State, LastModificationDate, ...rest }: GetScheduleCommandOutput) => rest
    expect(after.State).toBe('DISABLED')
    expect(JSON.stringify(strip(after))).toBe(JSON.stringify(strip(before)))
    expect(after.LastModificationDate?.toISOString()).toBe(new Date(s.sandbox.clock.now()).toISOString())
    const storedAfter = stored(s, 'prod-website-sitemap')
    expect(canonicalJson({ ...storedAfter, State: 'x', LastModificationDate: 'x' })).toBe(canonicalJson({ ...storedBefore, State: 'x', LastModificationDate: 'x' }))
    // Sending it back whole with State ENABLED restores it.
    await s.scheduler.send(new UpdateScheduleCommand({ ...fullDefinition(after), State: 'ENABLED' }))
    expect({ ...stored(s, 'prod-website-sitemap'), LastModificationDate: 'x' }).toEqual({ ...storedBefore, LastModificationDate: 'x' })
  })

  it('replaces the whole definition: what the update leaves out is gone or back at its default', async () => {
    const before = await s.scheduler.send(new GetScheduleCommand({ Name: 'test-website-sitemap' }))
    await s.scheduler.send(
      new UpdateScheduleCommand({
        Name: 'test-website-sitemap',
        ScheduleExpression: 'cron(30 * * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: before.Target!.Arn!, RoleArn: before.Target!.RoleArn! },
      }),
    )
    const after = await s.scheduler.send(new GetScheduleCommand({ Name: 'test-website-sitemap' }))
    expect(after.Description).toBeUndefined()
    expect(after.State).toBe('ENABLED')
    expect(after.ScheduleExpression).toBe('cron(30 * * * ? *)')
    expect(after.ScheduleExpressionTimezone).toBe('UTC')
    expect(after.FlexibleTimeWindow).toEqual({ Mode: 'OFF' })
    expect(after.Target).toEqual({
      Arn: before.Target!.Arn,
      RoleArn: before.Target!.RoleArn,
      RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
    })
    expect(after.CreationDate).toEqual(before.CreationDate)
    const raw = stored(s, 'test-website-sitemap')
    expect(raw.Target.EcsParameters).toBeUndefined()
    expect(raw.Target.DeadLetterConfig).toBeUndefined()
    expect(raw.Target.Input).toBeUndefined()
    // Start and end dates travel as epoch seconds and come back as the same instants.
    const start = new Date('2026-04-01T00:00:00Z')
    const end = new Date('2026-12-31T23:59:59Z')
    await s.scheduler.send(new UpdateScheduleCommand({ ...fullDefinition(after), StartDate: start, EndDate: end }))
    const dated = await s.scheduler.send(new GetScheduleCommand({ Name: 'test-website-sitemap' }))
    expect([dated.StartDate, dated.EndDate]).toEqual([start, end])
    expect([stored(s, 'test-website-sitemap').StartDate, stored(s, 'test-website-sitemap').EndDate]).toEqual([start.toISOString(), end.toISOString()])
  })

  it('validates UpdateSchedule like the service: ValidationException 400 with x-amzn-errortype', async () => {
    const put = (name: string, body: unknown) =>
      fetch(`${s.sandbox.url}/schedules/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const target = { Arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod', RoleArn: 'arn:aws:iam::000000000000:role/r' }
    const cases: Array<[string, unknown]> = [
      ['no ScheduleExpression', { FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }],
      ['no FlexibleTimeWindow', { ScheduleExpression: 'rate(5 minutes)', Target: target }],
      ['no Target', { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' } }],
      ['bad expression', { ScheduleExpression: 'cron(0 * * * *)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }],
      ['FLEXIBLE without a window', { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'FLEXIBLE' }, Target: target }],
      ['bad zone', { ScheduleExpression: 'rate(5 minutes)', ScheduleExpressionTimezone: 'Mars/Olympus', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }],
      ['retry out of range', { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { ...target, RetryPolicy: { MaximumRetryAttempts: 500 } } }],
    ]
    const before = JSON.stringify(s.sandbox.core.estate.scheduler)
    for (const [what, body] of cases) {
      const res = await put('prod-orders-cleanup', body)
      expect([what, res.status, res.headers.get('x-amzn-errortype')?.split(':')[0]]).toEqual([what, 400, 'ValidationException'])
      expect(typeof ((await res.json()) as { Message?: unknown }).Message).toBe('string')
    }
    expect(JSON.stringify(s.sandbox.core.estate.scheduler)).toBe(before)
    const missing = await put('nope', cases[3]![1])
    expect([missing.status, missing.headers.get('x-amzn-errortype')?.split(':')[0]]).toEqual([404, 'ResourceNotFoundException'])
    // The SDK sees the same error.
    const sdk = await failure(
      s.scheduler.send(new UpdateScheduleCommand({ Name: 'prod-orders-cleanup', ScheduleExpression: 'rate(1 minutes)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })),
    )
    expect(sdk).toMatchObject({ name: 'ValidationException', status: 400 })
  })

  it('lists schedule groups and answers injected faults as ConflictException 409 and ThrottlingException 429', async () => {
    const groups = await s.scheduler.send(new ListScheduleGroupsCommand({}))
    expect(groups.ScheduleGroups?.map((g) => [g.Name, g.State])).toEqual([
      ['batch', 'ACTIVE'],
      ['default', 'ACTIVE'],
    ])
    s.sandbox.faults.add({ service: 'scheduler', operation: 'UpdateSchedule', error: 'Conflict', nth: 1 })
    s.sandbox.faults.add({ service: 'scheduler', operation: 'GetSchedule', error: 'Throttling', nth: 1 })
    try {
      const got = await failure(s.scheduler.send(new GetScheduleCommand({ Name: 'prod-orders-cleanup' })))
      expect(got).toMatchObject({ name: 'ThrottlingException', status: 429 })
      const def = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-orders-cleanup' }))
      const conflict = await failure(s.scheduler.send(new UpdateScheduleCommand({ ...fullDefinition(def), State: 'DISABLED' })))
      expect(conflict).toMatchObject({ name: 'ConflictException', status: 409 })
      expect(stored(s, 'prod-orders-cleanup').State).toBe('ENABLED')
    } finally {
      s.sandbox.faults.clear()
    }
    const updates = s.sandbox.calls().filter((c) => c.service === 'scheduler' && c.operation === 'UpdateSchedule')
    expect(updates.length).toBeGreaterThan(0)
    expect(updates.every((c) => c.mutating)).toBe(true)
    expect(s.sandbox.calls().filter((c) => c.service === 'scheduler' && c.operation !== 'UpdateSchedule').every((c) => !c.mutating)).toBe(true)
  })
})
