/**
 * The zod schema of playbook format v1: the single source of truth for the validator and for the
 * JSON Schema editors use (see json-schema.ts). It checks shape only; templates, `when`, step
 * types and their params are checked afterwards against the parsed document (resolve.ts).
 * Pure validation, no transforms, so that `z.toJSONSchema` can describe every part of it.
 */
import * as z from 'zod'
import { DURATION_PATTERN } from './duration.js'

/** Step ids: what `--from`, `--only` and journals refer to. */
export const STEP_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/
export const VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/
export const ENV_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

const DURATION_HINT = 'expected a duration such as 90s, 15m, 1h or 1h30m'

export const durationSchema = z
  .string({ error: DURATION_HINT })
  .regex(DURATION_PATTERN, { error: DURATION_HINT })
  .describe('A duration: digits followed by ms, s, m, h or d, e.g. 90s, 15m, 1h30m.')

export const onFailureSchema = z
  .enum(['rollback', 'stop'], { error: 'expected rollback or stop' })
  .describe('rollback: undo this step and the steps before it; stop: undo this step only, keep the rest.')

export const stepIdSchema = z
  .string({ error: 'expected a step id' })
  .max(63, { error: 'step ids are at most 63 characters' })
  .regex(STEP_ID_PATTERN, { error: 'step ids use lowercase letters, digits and hyphens, e.g. lower-ttls' })

const scalar = z.union([z.string(), z.number(), z.boolean()])
const varValue = z
  .union([scalar, z.array(scalar), z.record(z.string(), scalar)], {
    error: 'expected a string, number or boolean, or a list or map of those',
  })
  .describe('A var value; `${{ vars.NAME }}` as a whole value keeps its type.')

export const stateSchema = z
  .string({ error: 'expected a state address such as s3://my-state-bucket/switchover' })
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, { error: 'expected a state address such as s3://my-state-bucket/switchover' })
  .describe('Where journal and lock live: s3://BUCKET/PREFIX (--state and PLAYBOOK_STATE override it; default: the local --state-dir).')

const varsSchema = z.record(
  z.string().regex(VAR_NAME_PATTERN, { error: 'var names use letters, digits, _ and -' }),
  varValue,
)

/** Names of AWS targets and clusters: what a step's `aws:` / `cluster:` and item keys (`@name/...`) use. */
export const TARGET_NAME_PATTERN = /^[a-z][a-z0-9-]*$/
const TARGET_NAME_HINT = 'target names use lowercase letters, digits and hyphens, e.g. legacy'
const targetName = z.string().max(40, { error: 'target names are at most 40 characters' }).regex(TARGET_NAME_PATTERN, { error: TARGET_NAME_HINT })

/** An IAM role to assume: `arn:aws:iam::<account>:role/<name>` (any partition). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/

export const awsTargetSchema = z
  .strictObject({
    region: z.string().min(1).optional().describe('AWS region of this target, e.g. us-west-1.'),
    profile: z.string().min(1).optional().describe('AWS shared-config profile; with role, the profile whose credentials assume it.'),
    role: z
      .string()
      .regex(ROLE_ARN_PATTERN, { error: 'expected a role ARN such as arn:aws:iam::123456789012:role/switchover' })
      .optional()
      .describe('ARN of an IAM role to assume (STS AssumeRole), with the credentials of profile, else of the default chain.'),
  })
  .describe('A named AWS target: region, and a profile and/or a role to assume.')

export const clusterTargetSchema = z
  .strictObject({ context: z.string().min(1).describe('kubeconfig context of this cluster.') })
  .describe('A named Kubernetes cluster.')

const awsTargetsSchema = z.record(targetName, awsTargetSchema).describe('Named AWS targets a step picks with `aws: NAME`.')
const clusterTargetsSchema = z.record(targetName, clusterTargetSchema).describe('Named Kubernetes clusters a step picks with `cluster: NAME`.')

export const environmentSchema = z
  .strictObject({
    description: z.string().optional(),
    region: z.string().min(1).optional().describe('AWS region, e.g. us-east-1 (the default AWS target).'),
    profile: z.string().min(1).optional().describe('AWS shared-config profile (the default AWS target).'),
    context: z.string().min(1).optional().describe('kubeconfig context (the default cluster).'),
    aws: awsTargetsSchema.optional().describe('Named AWS targets in this environment; override the top-level ones of the same name.'),
    clusters: clusterTargetsSchema.optional().describe('Named clusters in this environment; override the top-level ones of the same name.'),
    state: stateSchema.optional(),
    vars: varsSchema.optional().describe('Overrides top-level vars in this environment.'),
  })
  .describe('Per-environment values, selected with --env.')

export const stepSchema = z
  .strictObject({
    id: stepIdSchema.describe('Unique id of the step: lowercase letters, digits and hyphens.'),
    type: z.string({ error: 'expected a step type, e.g. route53.ttl' }).min(1).describe('Step type, e.g. route53.ttl.'),
    description: z.string().optional(),
    with: z
      .record(z.string(), z.unknown(), { error: 'expected a map of params' })
      .optional()
      .describe("The step type's params; values may use ${{ vars.NAME }} templates."),
    when: z
      .union([z.string(), z.boolean()], { error: 'expected a condition such as "${{ env.name }} == prod", or true/false' })
      .optional()
      .describe('Run the step only when this holds: A == B, A != B, true, false, or one boolean template.'),
    pause: z
      .union([z.string().min(1), z.boolean()], { error: 'expected an approval question or true/false' })
      .optional()
      .describe('Ask for approval before the step (granted by --yes).'),
    timeout: durationSchema.optional(),
    onFailure: onFailureSchema.optional(),
    aws: z.string({ error: 'expected the name of an AWS target' }).min(1).optional().describe('The AWS target the step acts on (default: the environment\'s region and profile).'),
    cluster: z.string({ error: 'expected the name of a cluster' }).min(1).optional().describe('The Kubernetes cluster the step acts on (default: the environment\'s context).'),
    restoreFrom: stepIdSchema
      .optional()
      .describe('Rollback playbooks only: restore the journaled before-state of this forward step.'),
  })
  .describe('One step of the playbook.')

export const playbookSchema = z
  .strictObject({
    version: z.literal(1, { error: 'expected version: 1 (the only playbook format so far)' }),
    name: z.string({ error: 'expected a playbook name' }).min(1, { error: 'expected a playbook name' }).max(100),
    description: z.string().optional(),
    vars: varsSchema.optional().describe('Values for ${{ vars.NAME }} templates.'),
    aws: awsTargetsSchema.optional(),
    clusters: clusterTargetsSchema.optional(),
    environments: z
      .record(z.string().regex(ENV_NAME_PATTERN, { error: 'environment names use letters, digits, _ and -' }), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, { error: 'declare at least one environment, or remove the key' })
      .optional()
      .describe('Environments selected with --env; a playbook that has them needs --env.'),
    state: stateSchema.optional(),
    defaults: z
      .strictObject({ onFailure: onFailureSchema.optional(), timeout: durationSchema.optional() })
      .optional()
      .describe('Defaults for every step.'),
    rollbackOf: z
      .strictObject({ playbook: z.string().min(1), run: z.string().min(1).optional() })
      .optional()
      .describe('Set in generated rollback playbooks: the forward playbook (and run) this one undoes.'),
    steps: z
      .array(stepSchema, { error: 'expected a list of steps' })
      .min(1, { error: 'a playbook needs at least one step' })
      .describe('The steps, run in order.'),
  })
  .describe('A switchover playbook (format v1).')

export type PlaybookDoc = z.infer<typeof playbookSchema>
export type StepDoc = z.infer<typeof stepSchema>

/** Hints for required keys that are missing, shown after "missing required key". */
export const MISSING_KEY_HINTS: Record<string, string> = {
  version: 'add `version: 1` at the top',
  steps: 'add a `steps:` list',
  id: 'every step needs a unique id',
  type: 'every step needs a type',
}
