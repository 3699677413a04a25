/**
 * EventBridge rules as items of `ecs.scheduled-tasks`. Item key `events-rule:<bus>:<name>`; item
 * state = the rule's whole definition as DescribeRule returns it (State included).
 */
import type { StepContext } from '../../runner/contract.js'

export type RuleState = { Name: string; Arn: string; State: string; EventBusName?: string; ScheduleExpression?: string; [k: string]: unknown }

export const ruleKey = (bus: string, name: string) => `events-rule:${bus}:${name}`

export function parseRuleKey(key: string): { bus: string; name: string } | null {
  const m = /^events-rule:([^:]+):(.+)$/.exec(key)
  return m ? { bus: m[1], name: m[2] } : null
}

const isNotFound = (e: unknown) => (e as { name?: string })?.name === 'ResourceNotFoundException'

/** The rule's definition, or null when it does not exist. */
export async function readRule(ctx: StepContext, bus: string, name: string): Promise<RuleState | null> {
  try {
    const { $metadata: _m, ...rule } = await ctx.aws.eventbridge.describeRule({ Name: name, EventBusName: bus })
    return JSON.parse(JSON.stringify(rule)) as RuleState
  } catch (e) {
    if (isNotFound(e)) return null
    throw e
  }
}

/**
 * Names of the rules on `bus` with an ECS target on `clusterArn`, from ListRuleNamesByTarget
 * alone. It returns the rules with a target whose Arn is the cluster ARN, and EventBridge only
 * accepts a cluster ARN as the Arn of an ECS target (one that runs a task, with EcsParameters),
 * so no ListTargetsByRule is needed to tell them apart. A rule that reaches the cluster some
 * other way (an SQS queue, a Lambda) has another target ARN and is not listed. Targets are not
 * part of the item state: the step only enables and disables rules, never touches targets.
 */
export async function ecsRulesOf(ctx: StepContext, bus: string, clusterArn: string): Promise<string[]> {
  const names: string[] = []
  let NextToken: string | undefined
  do {
    const page = await ctx.aws.eventbridge.listRuleNamesByTarget({ TargetArn: clusterArn, EventBusName: bus, NextToken })
    names.push(...(page.RuleNames ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  return names
}
