/**
 * Amazon EventBridge rules over AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Op>`): ListRules,
 * DescribeRule, ListTargetsByRule, ListRuleNamesByTarget, EnableRule, DisableRule, with
 * NextToken paging. EnableRule and DisableRule are idempotent, as on AWS.
 */
import { json11Handler } from '../aws-json.js'
import { eventsOperations } from './operations.js'

export const eventsHandler = json11Handler({
  service: 'events',
  title: 'EventBridge',
  targetPrefix: 'AWSEvents',
  mutating: new Set(['EnableRule', 'DisableRule']),
  operations: eventsOperations,
  faults: {
    throttling: { code: 'ThrottlingException', message: 'Rate exceeded' },
    conflict: { code: 'ConcurrentModificationException', message: (op) => `${op}: there is concurrent modification on a rule, target, archive, or replay.` },
    internal: { code: 'InternalException', message: 'An internal error occurred.' },
  },
})
