/**
 * EventBridge Scheduler schedules as items of `ecs.scheduled-tasks`. Item key
 * `schedule:<group>:<name>`; item state = GetSchedule's whole definition as JSON (dates as ISO
 * strings) without LastModificationDate, which every update moves.
 */
import type { UpdateScheduleCommandInput } from '@aws-sdk/client-scheduler'
import type { StepContext } from '../../runner/contract.js'

export type ScheduleState = { Name: string; GroupName: string; Arn: string; State: string; ScheduleExpression: string; ScheduleExpressionTimezone?: string; [k: string]: unknown }

export const scheduleKey = (group: string, name: string) => `schedule:${group}:${name}`

export function parseScheduleKey(key: string): { group: string; name: string } | null {
  const m = /^schedule:([^:]+):(.+)$/.exec(key)
  return m ? { group: m[1], name: m[2] } : null
}

const isNotFound = (e: unknown) => (e as { name?: string })?.name === 'ResourceNotFoundException'

export async function readSchedule(ctx: StepContext, group: string, name: string): Promise<ScheduleState | null> {
  try {
    const { $metadata: _m, LastModificationDate: _l, ...s } = await ctx.aws.scheduler.getSchedule({ Name: name, GroupName: group })
    return JSON.parse(JSON.stringify(s)) as ScheduleState
  } catch (e) {
    if (isNotFound(e)) return null
    throw e
  }
}

/** Every schedule of every group whose target is the cluster. */
export async function ecsSchedulesOf(ctx: StepContext, clusterArn: string): Promise<ScheduleState[]> {
  const out: ScheduleState[] = []
  let NextToken: string | undefined
  do {
    const page = await ctx.aws.scheduler.listSchedules({ NextToken })
    for (const summary of page.Schedules ?? []) {
      // The summary names the target ARN; read the whole definition only of the candidates.
      if (summary.Target?.Arn !== undefined && summary.Target.Arn !== clusterArn) continue
      const s = await readSchedule(ctx, summary.GroupName ?? 'default', summary.Name!)
      if (s && (s.Target as { Arn?: string } | undefined)?.Arn === clusterArn) out.push(s)
    }
    NextToken = page.NextToken
  } while (NextToken)
  return out
}

/** Every member of the definition UpdateSchedule accepts (it replaces the whole schedule). */
export function updateInput(s: ScheduleState): UpdateScheduleCommandInput {
  const input: Record<string, unknown> = {}
  for (const k of ['Name', 'GroupName', 'ScheduleExpression', 'Description', 'ScheduleExpressionTimezone', 'State', 'KmsKeyArn', 'Target', 'FlexibleTimeWindow', 'ActionAfterCompletion']) {
    if (s[k] !== undefined) input[k] = s[k]
  }
  for (const k of ['StartDate', 'EndDate']) if (s[k] !== undefined) input[k] = new Date(s[k] as string)
  return input as unknown as UpdateScheduleCommandInput
}
