/**
 * Where a Kubernetes kind lives in the API, without asking the server: the built-in kinds of the
 * stable (GA) group versions every API server serves, with their plural and scope. These paths
 * are fixed by the Kubernetes API's compatibility rules, so discovering them tells nothing new.
 * Everything else (custom resources, beta and alpha versions, aggregated APIs) is looked up
 * through discovery (kube-discovery.ts), since only the server knows whether and where it serves it.
 */

/** What a request path needs of a resource type, as an APIResource of discovery gives it. */
export type ResourcePath = { name: string; kind: string; namespaced: boolean }

const namespaced = true
const cluster = false

/** By group version, then kind: [plural, namespaced]. */
const BUILTIN: Record<string, Record<string, [string, boolean]>> = {
  v1: {
    ConfigMap: ['configmaps', namespaced], Endpoints: ['endpoints', namespaced], Event: ['events', namespaced],
    LimitRange: ['limitranges', namespaced], Namespace: ['namespaces', cluster], Node: ['nodes', cluster],
    PersistentVolume: ['persistentvolumes', cluster], PersistentVolumeClaim: ['persistentvolumeclaims', namespaced],
    Pod: ['pods', namespaced], ReplicationController: ['replicationcontrollers', namespaced],
    ResourceQuota: ['resourcequotas', namespaced], Secret: ['secrets', namespaced],
    Service: ['services', namespaced], ServiceAccount: ['serviceaccounts', namespaced],
  },
  'apps/v1': {
    ControllerRevision: ['controllerrevisions', namespaced], DaemonSet: ['daemonsets', namespaced],
    Deployment: ['deployments', namespaced], ReplicaSet: ['replicasets', namespaced], StatefulSet: ['statefulsets', namespaced],
  },
  'batch/v1': { CronJob: ['cronjobs', namespaced], Job: ['jobs', namespaced] },
  'autoscaling/v1': { HorizontalPodAutoscaler: ['horizontalpodautoscalers', namespaced] },
  'autoscaling/v2': { HorizontalPodAutoscaler: ['horizontalpodautoscalers', namespaced] },
  'policy/v1': { PodDisruptionBudget: ['poddisruptionbudgets', namespaced] },
  'networking.k8s.io/v1': { Ingress: ['ingresses', namespaced], IngressClass: ['ingressclasses', cluster], NetworkPolicy: ['networkpolicies', namespaced] },
  'discovery.k8s.io/v1': { EndpointSlice: ['endpointslices', namespaced] },
  'coordination.k8s.io/v1': { Lease: ['leases', namespaced] },
  'rbac.authorization.k8s.io/v1': {
    ClusterRole: ['clusterroles', cluster], ClusterRoleBinding: ['clusterrolebindings', cluster],
    Role: ['roles', namespaced], RoleBinding: ['rolebindings', namespaced],
  },
  'storage.k8s.io/v1': { StorageClass: ['storageclasses', cluster] },
  'scheduling.k8s.io/v1': { PriorityClass: ['priorityclasses', cluster] },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: ['customresourcedefinitions', cluster] },
  'admissionregistration.k8s.io/v1': {
    MutatingWebhookConfiguration: ['mutatingwebhookconfigurations', cluster], ValidatingWebhookConfiguration: ['validatingwebhookconfigurations', cluster],
  },
}

/** The path parts of a built-in kind, or undefined when only discovery can tell. */
export function builtinResource(apiVersion: string, kind: string): ResourcePath | undefined {
  const entry = Object.hasOwn(BUILTIN, apiVersion) && Object.hasOwn(BUILTIN[apiVersion]!, kind) ? BUILTIN[apiVersion]![kind] : undefined
  return entry ? { name: entry[0], kind, namespaced: entry[1] } : undefined
}
