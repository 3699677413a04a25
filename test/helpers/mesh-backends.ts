/**
 * The website's two mesh backends as manifests: Services `website-ecs` and `website-eks`, each
 * with a Deployment of 2 replicas (so ready endpoints), except `website-eks`'s when `eksReady` is
 * false (a backend with no ready endpoints).
 */
const deployment = (name: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: web, image: nginx:1.27 }] }
`

const service = (name: string) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 80 }] }
`

export const websiteBackends = (eksReady = true): string =>
  service('website-ecs') + deployment('website-ecs') + service('website-eks') + (eksReady ? deployment('website-eks') : '')
