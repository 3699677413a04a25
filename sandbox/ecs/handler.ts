/**
 * Amazon ECS over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`):
 * ListClusters, DescribeClusters, ListServices, DescribeServices, UpdateService, ListTasks,
 * DescribeTaskDefinition. Unknown operations answer `UnknownOperationException`, errors use
 * ECS's codes (ClusterNotFoundException, ServiceNotFoundException, InvalidParameterException,
 * ClientException) with HTTP 400, as the real endpoint does.
 */
import { json11Error, jsonTarget, readJsonBody, serveJson11 } from '../aws-json.js'
import type { InjectedError, ServiceHandler, SandboxResponse } from '../types.js'
import { ecsOperations } from './operations.js'

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113'
const MUTATING = new Set(['UpdateService'])

export const ecsHandler: ServiceHandler = {
  service: 'ecs',

  matches: (req) => jsonTarget(req, TARGET_PREFIX) !== null,

  identify(req) {
    const name = jsonTarget(req, TARGET_PREFIX)
    return name === null ? null : { name, mutating: MUTATING.has(name) }
  },

  handle(req, op, sb) {
    const run = ecsOperations[op.name]
    if (!run) return json11Error('UnknownOperationException', `The sandbox does not serve ECS ${op.name}.`)
    return serveJson11(() => run(readJsonBody(req), sb))
  },

  errorFor: (error, op) => ecsFault(error, op.name),
}

function ecsFault(error: InjectedError, operation: string): SandboxResponse {
  switch (error) {
    case 'Throttling':
    case 'PriorRequestNotComplete':
      return json11Error('ThrottlingException', 'Rate exceeded')
    case 'Conflict':
      return json11Error('ClientException', `${operation}: the resource is being modified by another request.`)
    case 'InternalError':
    case 'Timeout':
      return json11Error('ServerException', 'Service Unavailable. Please try again later.', 500)
  }
}
