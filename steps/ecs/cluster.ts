/** ECS cluster names and ARNs. */
import type { StepContext } from '../../runner/contract.js'
import { StepError, messageOf } from '../step-error.js'

export class ClusterNotFound extends StepError {}

/** `arn:aws:ecs:...:cluster/prod` or `prod` → `prod`. */
export function clusterName(cluster: string): string {
  return cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf('/') + 1) : cluster
}

/** The cluster's ARN (an ARN is taken as given; a name is looked up with DescribeClusters). */
export async function clusterArn(ctx: StepContext, stepType: string, cluster: string): Promise<string> {
  if (cluster.startsWith('arn:')) return cluster
  const hint = 'Check the cluster name (or give its ARN) and the region of the environment'
  let arn: string | undefined
  try {
    const res = await ctx.aws.ecs.describeClusters({ clusters: [cluster] })
    arn = res.clusters?.find((c) => c.clusterName === cluster && c.status !== 'INACTIVE')?.clusterArn
  } catch (e) {
    throw new ClusterNotFound(stepType, 'observe', `describing ECS cluster ${cluster} failed: ${messageOf(e)}`, hint, e)
  }
  if (!arn) throw new ClusterNotFound(stepType, 'observe', `no active ECS cluster named ${cluster}`, hint)
  return arn
}
