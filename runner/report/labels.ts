/**
 * Item keys in words, for people: `route53:Z0EXAMPLE:orders.example.com.:CNAME:-` reads
 * `orders.example.com. CNAME`. Unknown shapes stay as they are.
 */
export function labelOf(key: string): string {
  let m = /^route53:([^:]+):(.+):([A-Z0-9]+):(.+)$/.exec(key)
  if (m) return `${m[2]} ${m[3]}${m[4] === '-' ? '' : ` [${m[4]}]`}`
  // k8s:<apiVersion>/<kind>/<namespace or _>/<name>; the apiVersion may hold a slash.
  m = /^k8s:(.+)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(key)
  if (m) return `${m[2]} ${m[3] === '_' ? '' : `${m[3]}/`}${m[4]}`
  m = /^events-rule:([^:]+):(.+)$/.exec(key)
  if (m) return `EventBridge rule ${m[2]}${m[1] === 'default' ? '' : ` (bus ${m[1]})`}`
  m = /^schedule:([^:]+):(.+)$/.exec(key)
  if (m) return `Scheduler schedule ${m[1]}/${m[2]}`
  m = /^ecs-service:([^:]+):(.+)$/.exec(key)
  if (m) return `ECS service ${m[1]}/${m[2]}`
  return key
}

/** The zone of a Route 53 item key, or undefined. */
export const zoneOfKey = (key: string): string | undefined => /^route53:([^:]+):/.exec(key)?.[1]
