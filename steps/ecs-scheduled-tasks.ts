/**
 * `ecs.scheduled-tasks`: disable (or enable) the ECS scheduled tasks of a cluster: EventBridge
 * rules with an ECS target on it and EventBridge Scheduler schedules whose target is it (or named
 * rules and schedules). Disabling journals when each stopped, which the CronJob handover uses.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Note, Observed, PlannedEffects, StepContext, StepType } from '../runner/contract.js'
import { clusterArn } from './ecs/cluster.js'
import { ecsRulesOf, parseRuleKey, readRule, ruleKey, type RuleState } from './ecs/rules.js'
import { ecsSchedulesOf, parseScheduleKey, readSchedule, scheduleKey, updateInput, type ScheduleState } from './ecs/schedules.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'ecs.scheduled-tasks'

export const ecsScheduledTasksParams = z
  .object({
    action: z.enum(['disable', 'enable'], { error: 'disable or enable' }),
    cluster: z.string().min(1, 'cluster: the ECS cluster name or ARN').optional(),
    eventBusName: z.string().min(1).default('default'),
    rules: z.array(z.string().min(1), { error: 'expected a list of EventBridge rule names' }).optional(),
    schedules: z
      .array(z.string().regex(/^([^/]+\/)?[^/]+$/, 'schedules are `name` (group default) or `group/name`'), { error: 'expected a list of schedule names' })
      .optional(),
  })
  .strict()
  .refine((p) => p.cluster || p.rules?.length || p.schedules?.length, 'give a cluster, or rules and/or schedules to act on')

export type EcsScheduledTasksParams = z.infer<typeof ecsScheduledTasksParams>

export class ScheduledTaskNotFound extends StepError {}
export class ScheduledTaskUpdateFailed extends StepError {}

const wantedState = (p: EcsScheduledTasksParams) => (p.action === 'disable' ? 'DISABLED' : 'ENABLED')
const isEnabled = (state: string) => state !== 'DISABLED'

export const ecsScheduledTasks: StepType<EcsScheduledTasksParams> = {
  type: TYPE,
  description:
    'Disable (or enable) the ECS scheduled tasks of a cluster: EventBridge rules with an ECS target on the cluster and ' +
    'EventBridge Scheduler schedules whose target is the cluster, or named rules and schedules. Schedules are updated with ' +
    'their full definition and only State changed. Disabling journals the time each task stopped.',
  params: ecsScheduledTasksParams,

  async observe(ctx: StepContext, p: EcsScheduledTasksParams, keys?: string[]): Promise<Observed> {
    const out: Observed = {}
    if (keys) {
      for (const k of keys) {
        const r = parseRuleKey(k)
        const s = parseScheduleKey(k)
        out[k] = r ? await readRule(ctx, r.bus, r.name) : s ? await readSchedule(ctx, s.group, s.name) : null
      }
      return out
    }
    const arn = p.cluster ? await clusterArn(ctx, TYPE, p.cluster) : undefined
    const ruleNames = new Set([...(arn ? await ecsRulesOf(ctx, p.eventBusName, arn) : []), ...(p.rules ?? [])])
    for (const name of ruleNames) {
      const rule = await readRule(ctx, p.eventBusName, name)
      if (!rule) throw new ScheduledTaskNotFound(TYPE, 'observe', `no EventBridge rule ${name} on bus ${p.eventBusName}`, 'Fix the name in rules (or eventBusName)')
      out[ruleKey(p.eventBusName, name)] = rule
    }
    for (const s of arn ? await ecsSchedulesOf(ctx, arn) : []) out[scheduleKey(s.GroupName, s.Name)] = s
    for (const ref of p.schedules ?? []) {
      const [group, name] = ref.includes('/') ? ref.split('/') : ['default', ref]
      const s = await readSchedule(ctx, group, name)
      if (!s) throw new ScheduledTaskNotFound(TYPE, 'observe', `no schedule ${name} in group ${group}`, 'Fix the name in schedules (`group/name`)')
      out[scheduleKey(group, name)] = s
    }
    return out
  },

  diff(p: EcsScheduledTasksParams, now: Observed): Change[] {
    const want = wantedState(p)
    const changes: Change[] = []
    for (const [key, state] of Object.entries(now)) {
      const item = state as RuleState | ScheduleState | null
      if (!item || isEnabled(item.State) === (want === 'ENABLED')) continue
      const kind = parseRuleKey(key) ? 'rule' : 'schedule'
      changes.push({ key, before: item, after: { ...item, State: want }, summary: `${kind} ${item.Name}: ${item.State} -> ${want}` })
    }
    return changes
  },

  notes(_ctx: StepContext, p: EcsScheduledTasksParams, now: Observed): Note[] {
    return Object.keys(now).length === 0
      ? [{ level: 'warn', message: `no scheduled tasks found${p.cluster ? ` for cluster ${p.cluster}` : ''}` }]
      : []
  },

  /** The disable times apply journals, taken as the time the step starts. */
  planned(ctx: StepContext, p: EcsScheduledTasksParams, changes: Change[]): PlannedEffects {
    if (p.action !== 'disable') return {}
    const at = ctx.clock.now()
    return { facts: changes.map((c) => ({ kind: 'ecs.scheduled-task-disabled', data: disabledFact(c.key, c.after as RuleState | ScheduleState, at) })) }
  },

  async apply(ctx: ApplyContext, p: EcsScheduledTasksParams, changes: Change[]): Promise<void> {
    await write(ctx, changes, 'apply', p.action === 'disable')
  },

  /**
   * After a crash between a disable and its fact, the task is disabled but the time is lost. Now
   * is a safe (late) disable time: a scheduled time between the real disable and now is treated
   * as ECS's and never caught up on Kubernetes, so nothing runs twice.
   */
  async settle(ctx: ApplyContext, p: EcsScheduledTasksParams, unfinished: Change[]): Promise<void> {
    if (p.action !== 'disable') return
    const known = new Set(ctx.facts('ecs.scheduled-task-disabled').filter((f) => f.step === ctx.stepId).map((f) => f.data.arn))
    for (const c of unfinished) {
      const after = c.after as RuleState | ScheduleState | null
      if (after?.State === 'DISABLED' && !known.has(after.Arn)) await journalDisabled(ctx, c.key, after)
    }
  },

  async applyRestore(ctx: ApplyContext, _p: EcsScheduledTasksParams, changes: Change[]): Promise<void> {
    await write(ctx, changes, 'restore', false)
  },

  inverse: (p) => ({ type: TYPE, with: p }),
}

async function write(ctx: ApplyContext, changes: Change[], phase: 'apply' | 'restore', recordDisables: boolean): Promise<void> {
  for (const c of changes) {
    const after = c.after as RuleState | ScheduleState | null
    if (!after) {
      throw new ScheduledTaskUpdateFailed(TYPE, phase, `${c.key} would have to be deleted, which this step never does`, 'Restore it by hand, then roll back with --force')
    }
    const rule = parseRuleKey(c.key)
    try {
      if (rule) {
        const input = { Name: rule.name, EventBusName: rule.bus }
        if (after.State === 'DISABLED') await ctx.aws.eventbridge.disableRule(input)
        else await ctx.aws.eventbridge.enableRule(input)
      } else {
        // UpdateSchedule replaces the whole schedule: send every field of the definition.
        await ctx.aws.scheduler.updateSchedule(updateInput(after as ScheduleState))
      }
    } catch (e) {
      throw new ScheduledTaskUpdateFailed(TYPE, phase, `setting ${c.key} to ${after.State} failed: ${messageOf(e)}`,
        'Earlier items are journaled as applied; fix the cause and run again, or roll back', e)
    }
    await ctx.applied([c.key])
    if (recordDisables && after.State === 'DISABLED') await journalDisabled(ctx, c.key, after)
  }
}

/** The fact the CronJob handover reads: which job ECS stopped running, and when. */
async function journalDisabled(ctx: ApplyContext, key: string, after: RuleState | ScheduleState): Promise<void> {
  await ctx.fact('ecs.scheduled-task-disabled', disabledFact(key, after, ctx.clock.now()))
}

function disabledFact(key: string, after: RuleState | ScheduleState, disabledAt: number): Record<string, unknown> {
  return {
    job: after.Name,
    kind: parseRuleKey(key) ? 'rule' : 'schedule',
    arn: after.Arn,
    scheduleExpression: after.ScheduleExpression,
    ...((after as ScheduleState).ScheduleExpressionTimezone ? { timezone: (after as ScheduleState).ScheduleExpressionTimezone } : {}),
    disabledAt,
  }
}
