/**
 * The AWS CLI, an independent client of the wire protocols, against the sandbox: list zones and
 * records (Route 53 REST/XML), describe a rule (EventBridge JSON), get a schedule (Scheduler
 * REST/JSON). Endpoints come from AWS_ENDPOINT_URL as the sandbox exports it. Runs only where
 * `aws` is installed.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

const hasAws = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0
const run = promisify(execFile)

let sb: RunningSandbox | undefined
let dir = ''

beforeAll(async () => {
  if (!hasAws) return
  dir = await mkdtemp(join(tmpdir(), 'switchover-awscli-'))
  sb = await startSandbox({ stateDir: join(dir, 'sandbox') })
})
afterAll(async () => {
  await sb?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function aws(...args: string[]): Promise<any> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    ...sb!.env,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_PAGER: '',
  }
  const { stdout } = await run('aws', [...args, '--output', 'json'], { env })
  return stdout.trim() ? JSON.parse(stdout) : null
}

describe.runIf(hasAws)('the AWS CLI against the sandbox', () => {
  it('lists the hosted zones and the records of the reference zone', async () => {
    const zones = await aws('route53', 'list-hosted-zones')
    expect(zones.HostedZones.map((z: { Id: string; Name: string }) => [z.Id, z.Name])).toEqual([
      ['/hostedzone/Z0EXAMPLE0001', 'example.com.'],
      ['/hostedzone/Z0EXAMPLETEST', 'test.example.com.'],
    ])
    const records = await aws('route53', 'list-resource-record-sets', '--hosted-zone-id', 'Z0EXAMPLE0001')
    expect(records.ResourceRecordSets).toHaveLength(21)
    expect(records.ResourceRecordSets).toContainEqual({
      Name: 'www.example.com.', Type: 'CNAME', SetIdentifier: 'ecs', Weight: 100, TTL: 300,
      ResourceRecords: [{ Value: 'website-ecs-1234.us-east-1.elb.amazonaws.com' }],
    })
    expect(records.ResourceRecordSets.find((r: { Name: string; Type: string }) => r.Name === 'example.com.' && r.Type === 'A').AliasTarget)
      .toEqual({ HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'website-ecs-1234.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true })
  })

  it('describes an EventBridge rule and its ECS target, and gets a Scheduler schedule', async () => {
    const rule = await aws('events', 'describe-rule', '--name', 'prod-orders-hourly-report')
    expect(rule).toMatchObject({ Name: 'prod-orders-hourly-report', ScheduleExpression: 'cron(0 * * * ? *)', State: 'ENABLED', EventBusName: 'default' })
    const targets = await aws('events', 'list-targets-by-rule', '--rule', 'prod-orders-hourly-report')
    expect(targets.Targets[0]).toMatchObject({ Arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod', EcsParameters: { TaskCount: 1 } })
    const schedule = await aws('scheduler', 'get-schedule', '--name', 'prod-website-sitemap')
    expect(schedule).toMatchObject({
      Name: 'prod-website-sitemap', ScheduleExpressionTimezone: 'Europe/Berlin', State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 185, MaximumRetryAttempts: 3 } },
    })
  })

  it('sees a change the CLI itself made, served back the same way', async () => {
    expect(await aws('events', 'disable-rule', '--name', 'test-inventory-sync')).toBeNull()
    expect((await aws('events', 'describe-rule', '--name', 'test-inventory-sync')).State).toBe('DISABLED')
    expect(sb!.calls().filter((c) => c.operation === 'DisableRule' && c.mutating)).toHaveLength(1)
  })

  it('s3api: put-object --if-none-match once, then 412; list-objects-v2, head-object and get-object', async () => {
    const body = join(dir, 'segment.jsonl')
    await (await import('node:fs/promises')).writeFile(body, '{"t":"begin"}\n')
    const put = await aws('s3api', 'put-object', '--bucket', 'switchover-state', '--key', 'cli/runs/r/000001.jsonl', '--body', body, '--if-none-match', '*')
    expect(put).toMatchObject({ ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), ServerSideEncryption: 'AES256' })
    await expect(aws('s3api', 'put-object', '--bucket', 'switchover-state', '--key', 'cli/runs/r/000001.jsonl', '--body', body, '--if-none-match', '*')).rejects.toThrow(/PreconditionFailed/)
    const list = await aws('s3api', 'list-objects-v2', '--bucket', 'switchover-state', '--prefix', 'cli/')
    expect(list.Contents.map((c: { Key: string }) => c.Key)).toEqual(['cli/runs/r/000001.jsonl'])
    expect((await aws('s3api', 'head-object', '--bucket', 'switchover-state', '--key', 'cli/runs/r/000001.jsonl')).ContentLength).toBe(14)
    const out = join(dir, 'out.jsonl')
    await aws('s3api', 'get-object', '--bucket', 'switchover-state', '--key', 'cli/runs/r/000001.jsonl', out)
    expect(await (await import('node:fs/promises')).readFile(out, 'utf8')).toBe('{"t":"begin"}\n')
  })
})
