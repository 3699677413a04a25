/**
 * The EventBridge rule operations the sandbox serves, against `sb.estate.events.rules`.
 * Each takes the decoded JSON input and returns the JSON output, or throws {@link AwsApiError}
 * with EventBridge's code and message (ResourceNotFoundException, ValidationException,
 * ManagedRuleException).
 */
import { AwsApiError } from '../aws-json.js'
import type { EventRule } from '../estate.js'
import { pageOf, pageSize } from '../paging.js'
import type { SandboxCore } from '../types.js'

type Input = Record<string, unknown>
type Operation = (input: Input, sb: SandboxCore) => unknown

const validation = (message: string) => new AwsApiError('ValidationException', message)
const badToken = () => validation('The NextToken provided is invalid.')
const limit = (input: Input) => pageSize(input.Limit, 100, 100, (m) => validation(`Limit: ${m}`))

/** The bus a request names (name or ARN, default `default`); ResourceNotFoundException if unknown. */
function busName(input: Input, sb: SandboxCore): string {
  const raw = input.EventBusName ?? 'default'
  if (typeof raw !== 'string' || raw === '') throw validation('EventBusName must be a non-empty string.')
  const name = raw.startsWith('arn:') ? raw.slice(raw.lastIndexOf('/') + 1) : raw
  if (name !== 'default' && !sb.estate.events.rules.some((r) => r.EventBusName === name)) {
    throw new AwsApiError('ResourceNotFoundException', `Event bus ${name} does not exist.`)
  }
  return name
}

function rulesOn(bus: string, sb: SandboxCore): EventRule[] {
  return sb.estate.events.rules.filter((r) => r.EventBusName === bus).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
}

function requireRule(input: Input, key: string, sb: SandboxCore): EventRule {
  const name = input[key]
  if (typeof name !== 'string' || name === '') throw validation(`1 validation error detected: Value at '${key.toLowerCase()}' failed to satisfy constraint: Member must not be null`)
  const bus = busName(input, sb)
  const rule = rulesOn(bus, sb).find((r) => r.Name === name)
  if (!rule) throw new AwsApiError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`)
  return rule
}

/** The rule as ListRules returns it (no CreatedBy, no targets). */
function summary(rule: EventRule): Record<string, unknown> {
  return {
    Name: rule.Name,
    Arn: rule.Arn,
    EventPattern: rule.EventPattern,
    State: rule.State,
    Description: rule.Description,
    ScheduleExpression: rule.ScheduleExpression,
    RoleArn: rule.RoleArn,
    ManagedBy: rule.ManagedBy,
    EventBusName: rule.EventBusName,
  }
}

function setState(rule: EventRule, enable: boolean): void {
  if (rule.ManagedBy) {
    throw new AwsApiError('ManagedRuleException', `Rule ${rule.Name} is managed by ${rule.ManagedBy} and cannot be modified.`)
  }
  // Enabling an enabled rule (in either enabled state) or disabling a disabled one changes nothing.
  if (enable && rule.State === 'DISABLED') rule.State = 'ENABLED'
  if (!enable) rule.State = 'DISABLED'
}

export const eventsOperations: Record<string, Operation> = {
  ListRules(input, sb) {
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : ''
    const rules = rulesOn(busName(input, sb), sb).filter((r) => r.Name.startsWith(prefix))
    const page = pageOf(rules, input.NextToken, limit(input), badToken)
    return { Rules: page.items.map(summary), NextToken: page.nextToken }
  },

  DescribeRule(input, sb) {
    const rule = requireRule(input, 'Name', sb)
    return { ...summary(rule), CreatedBy: rule.CreatedBy ?? sb.estate.account }
  },

  ListTargetsByRule(input, sb) {
    const rule = requireRule(input, 'Rule', sb)
    const page = pageOf(rule.Targets, input.NextToken, limit(input), badToken)
    return { Targets: page.items, NextToken: page.nextToken }
  },

  ListRuleNamesByTarget(input, sb) {
    const arn = input.TargetArn
    if (typeof arn !== 'string' || arn === '') throw validation("1 validation error detected: Value at 'targetArn' failed to satisfy constraint: Member must not be null")
    const names = rulesOn(busName(input, sb), sb)
      .filter((r) => r.Targets.some((t) => t.Arn === arn))
      .map((r) => r.Name)
    const page = pageOf(names, input.NextToken, limit(input), badToken)
    return { RuleNames: page.items, NextToken: page.nextToken }
  },

  EnableRule(input, sb) {
    setState(requireRule(input, 'Name', sb), true)
    return {}
  },

  DisableRule(input, sb) {
    setState(requireRule(input, 'Name', sb), false)
    return {}
  },
}
