/**
 * Amazon ECS over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Op>`):
 * ListClusters, DescribeClusters, ListServices, DescribeServices, UpdateService, ListTasks,
 * DescribeTaskDefinition. Unknown operations answer `UnknownOperationException`, errors use
 * ECS's codes (ClusterNotFoundException, ServiceNotFoundException, InvalidParameterException,
 * ClientException) with HTTP 400, as the real endpoint does.
 */
import { json11Handler } from '../aws-json.js'
import { ecsOperations } from './operations.js'

export const ecsHandler = json11Handler({
  service: 'ecs',
  title: 'ECS',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  mutating: new Set(['UpdateService']),
  operations: ecsOperations,
  faults: {
    throttling: { code: 'ThrottlingException', message: 'Rate exceeded' },
    conflict: { code: 'ClientException', message: (op) => `${op}: the resource is being modified by another request.` },
    internal: { code: 'ServerException', message: 'Service Unavailable. Please try again later.' },
  },
})
