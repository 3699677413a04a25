/**
 * A playbook with two AWS targets: `dns` (lowers the TTL of orders.example.com) and `ecs`
 * (disables the scheduled tasks of the cluster legacy). Each target is given as the inside of its
 * map (`region: us-west-1, role: "..."`), in the order the map lists them.
 */
export const twoTargetsPlaybook = (name: string, targets: { dns: string; ecs: string }) => `version: 1
name: ${name}
aws:
${Object.entries(targets).map(([key, inside]) => `  ${key}: { ${inside} }`).join('\n')}
steps:
  - id: lower-ttls
    type: route53.ttl
    aws: dns
    with: { zone: example.com, ttl: 60, names: [orders], types: [CNAME] }
  - id: disable-ecs-schedules
    type: ecs.scheduled-tasks
    aws: ecs
    with: { action: disable, cluster: legacy }
`
