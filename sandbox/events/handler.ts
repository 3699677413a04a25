/**
 * Amazon EventBridge rules over AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Op>`): ListRules,
 * DescribeRule, ListTargetsByRule, ListRuleNamesByTarget, EnableRule, DisableRule, with
 * NextToken paging. EnableRule and DisableRule are idempotent, as on AWS.
 */
import { json11Error, jsonTarget, readJsonBody, serveJson11 } from '../aws-json.js'
import type { InjectedError, ServiceHandler, SandboxResponse } from '../types.js'
import { eventsOperations } from './operations.js'

const TARGET_PREFIX = 'AWSEvents'
const MUTATING = new Set(['EnableRule', 'DisableRule'])

export const eventsHandler: ServiceHandler = {
  service: 'events',

  matches: (req) => jsonTarget(req, TARGET_PREFIX) !== null,

  identify(req) {
    const name = jsonTarget(req, TARGET_PREFIX)
    return name === null ? null : { name, mutating: MUTATING.has(name) }
  },

  handle(req, op, sb) {
    const run = eventsOperations[op.name]
    if (!run) return json11Error('UnknownOperationException', `The sandbox does not serve EventBridge ${op.name}.`)
    return serveJson11(() => run(readJsonBody(req), sb))
  },

  errorFor: (error, op) => eventsFault(error, op.name),
}

function eventsFault(error: InjectedError, operation: string): SandboxResponse {
  switch (error) {
    case 'Throttling':
    case 'PriorRequestNotComplete':
      return json11Error('ThrottlingException', 'Rate exceeded')
    case 'Conflict':
      return json11Error('ConcurrentModificationException', `${operation}: there is concurrent modification on a rule, target, archive, or replay.`)
    case 'InternalError':
    case 'Timeout':
      return json11Error('InternalException', 'An internal error occurred.', 500)
  }
}
