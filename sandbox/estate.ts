/**
 * The sandbox's whole state, JSON-serializable: what fixtures/estates/*.json seed, what
 * `.playbook/sandbox/state.json` persists between commands and what `sandbox dump` prints
 * (canonically sorted, server-managed fields removed). Field names follow the AWS API shapes
 * (PascalCase) so handlers can return them as they are.
 */

/** Route 53 ResourceRecordSet as the API returns it. */
export type RecordSet = {
  Name: string // fully qualified, with trailing dot, lower case
  Type: string
  SetIdentifier?: string
  Weight?: number
  TTL?: number
  ResourceRecords?: { Value: string }[]
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean }
  HealthCheckId?: string
  [k: string]: unknown
}

export type HostedZone = {
  Id: string // bare id, e.g. "Z0REFERENCE01" (the API prefixes /hostedzone/)
  Name: string // "example.com."
  CallerReference: string
  Config: { PrivateZone: boolean; Comment?: string }
  RecordSets: RecordSet[]
}

export type Route53Change = { Id: string; SubmittedAt: string; InsyncAt: string; Comment?: string; ZoneId: string }

export type EcsService = {
  serviceName: string
  serviceArn: string
  clusterArn: string
  desiredCount: number
  runningCount: number
  pendingCount: number
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  taskDefinition: string
  launchType?: string
  deployments?: unknown[]
  [k: string]: unknown
}

export type EcsCluster = {
  clusterName: string
  clusterArn: string
  status: 'ACTIVE'
  services: EcsService[]
}

/** EventBridge rule with its targets, as DescribeRule + ListTargetsByRule return them. */
export type EventRule = {
  Name: string
  Arn: string
  EventBusName: string
  ScheduleExpression?: string
  EventPattern?: string
  State: 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
  Description?: string
  RoleArn?: string
  ManagedBy?: string
  CreatedBy?: string
  Targets: Array<{
    Id: string
    Arn: string // for ECS targets: the cluster ARN
    RoleArn?: string
    Input?: string
    EcsParameters?: { TaskDefinitionArn: string; TaskCount?: number; LaunchType?: string; [k: string]: unknown }
    [k: string]: unknown
  }>
}

/** EventBridge Scheduler schedule, as GetSchedule returns it (dates as ISO strings). */
export type Schedule = {
  Name: string
  GroupName: string
  Arn: string
  ScheduleExpression: string
  ScheduleExpressionTimezone?: string
  StartDate?: string
  EndDate?: string
  Description?: string
  State: 'ENABLED' | 'DISABLED'
  KmsKeyArn?: string
  ActionAfterCompletion?: 'NONE' | 'DELETE'
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number }
  Target: {
    Arn: string // for ECS targets: the cluster ARN
    RoleArn: string
    Input?: string
    RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number }
    DeadLetterConfig?: { Arn?: string }
    EcsParameters?: { TaskDefinitionArn: string; TaskCount?: number; LaunchType?: string; [k: string]: unknown }
    [k: string]: unknown
  }
  CreationDate: string
  LastModificationDate: string
}

/** A CloudWatch metric alarm, as DescribeAlarms returns it (timestamps as ISO strings). */
export type Alarm = {
  AlarmName: string
  AlarmArn: string
  AlarmDescription?: string
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
  StateReason: string
  StateReasonData?: string
  StateUpdatedTimestamp: string
  StateTransitionedTimestamp?: string
  AlarmConfigurationUpdatedTimestamp?: string
  ActionsEnabled?: boolean
  MetricName?: string
  Namespace?: string
  Statistic?: string
  Dimensions?: Array<{ Name: string; Value: string }>
  Period?: number
  EvaluationPeriods?: number
  DatapointsToAlarm?: number
  Threshold?: number
  ComparisonOperator?: string
  TreatMissingData?: string
  [k: string]: unknown
}

/** A Kubernetes object as stored (server-managed metadata included; dump strips it). */
export type StoredObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; [k: string]: unknown }
  [k: string]: unknown
}

/**
 * One launch of a scheduled job, on either platform. `job` is the job's identity shared by both
 * platforms: an EventBridge rule's or Scheduler schedule's Name on ECS; on Kubernetes the
 * CronJob's annotation `switchover.dev/ecs-job`, or `namespace/name` when it has none.
 */
export type LedgerEntry = {
  job: string
  scheduledAt: string // ISO, the schedule time the launch is for
  launchedAt: string // ISO, virtual time it happened
  platform: 'ecs' | 'kubernetes'
  source: string // rule ARN, schedule ARN, or `namespace/cronjob-name`
}

/** An S3 object as stored: the body base64-encoded so the estate stays JSON. */
export type S3Object = {
  Key: string
  Body: string // base64
  ETag: string // quoted MD5 hex, as S3 answers it
  LastModified: string // ISO, virtual time
  ContentType?: string
  ServerSideEncryption: 'AES256' | 'aws:kms' | 'aws:kms:dsse'
  SSEKMSKeyId?: string
  Metadata?: Record<string, string>
}

/** An S3 bucket with its objects by key (no versions: the latest one of each key). */
export type S3Bucket = {
  Name: string
  Region: string
  CreationDate: string
  Objects: Record<string, S3Object>
}

export type Estate = {
  /** Estate format version. */
  version: 1
  /** Virtual time of the estate (ISO); the sandbox clock starts here. */
  now: string
  /** AWS account and region the ARNs use. */
  account: string
  region: string
  route53: { zones: HostedZone[]; changes: Route53Change[] }
  ecs: { clusters: EcsCluster[] }
  events: { rules: EventRule[] }
  scheduler: { groups: string[]; schedules: Schedule[] }
  kubernetes: KubeStore
  /** CloudWatch alarms of the account (absent in estates saved before alarms existed: none). */
  cloudwatch?: { alarms: Alarm[] }
  /**
   * Answers of the Prometheus-compatible `/api/v1/query`: instant query text (as sent, trimmed)
   * to its current value. Set through the control API; an unknown query gives an empty vector.
   */
  prometheus?: { values: Record<string, number> }
  ledger: LedgerEntry[]
  /** S3 buckets (the team state bucket). Absent in estates saved before the sandbox spoke S3. */
  s3?: { buckets: S3Bucket[] }
  /**
   * AWS resources of the regions other than `region`, by region: a request signed for one of them
   * sees only these (Route 53 is global and stays above). Absent: the estate has one region.
   */
  regions?: Record<string, RegionalEstate>
  /** Name of the cluster `kubernetes` holds (a kubeconfig context of that name points at it). */
  cluster?: string
  /** Further Kubernetes clusters, by name: one API each, with its own kubeconfig context. */
  clusters?: Record<string, KubeStore>
  /**
   * STS: the temporary credentials AssumeRole issued, and the roles (ARNs) whose trust policy does
   * not let the sandbox's principals assume them (AccessDenied). Absent: none issued, all trusted.
   */
  sts?: { sessions: StsSession[]; untrusted?: string[] }
}

/** One AssumeRole session: its keys, the role it acts as, and when it ends (virtual time, ISO). */
export type StsSession = {
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
  Arn: string
  RoleArn: string
  Expiration: string
}

/** One Kubernetes API's objects. */
export type KubeStore = { objects: StoredObject[]; resourceVersion: number }

/** What lives in one AWS region besides the global Route 53. */
export type RegionalEstate = Pick<Estate, 'ecs' | 'events' | 'scheduler'>

/** Annotation naming the ECS job a CronJob takes over (see {@link LedgerEntry.job}). */
export const ECS_JOB_ANNOTATION = 'switchover.dev/ecs-job'
