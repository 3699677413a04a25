/**
 * The playbook loader and validator: format v1 (schema.ts), templating (template.ts), `when`
 * (when.ts), and a single entry point that checks a whole file and reports every problem at
 * once with its line and column.
 */
export type { LoadOptions, LoadResult, OnFailure, Playbook, PlaybookEnv, Problem, ResolvedStep } from './types.js'
export { ON_FAILURE } from './types.js'
export { checkPlaybookText, defaultRegistry, environmentNames, loadPlaybook, parsePlaybookText, readPlaybookFile } from './load.js'
export { formatPath, formatProblem } from './problem.js'
export { formatValidateProblem, problemJson, validateCommand, type ValidateOutcome, type ValidateProblem } from './validate-command.js'
export { playbookSchema, stepSchema, STEP_ID_PATTERN } from './schema.js'
export { DEFAULT_TIMEOUT_MS, parseDuration } from './duration.js'
export { expandDeep, expandString, type TemplateScope } from './template.js'
export { evaluateWhen } from './when.js'
export { VALIDATE_RUN_ID } from './scope.js'
export { MAX_DEPTH, MAX_FILE_BYTES } from './limits.js'
export { buildPlaybookJsonSchema } from './json-schema.js'
