/**
 * The explicit registry of step types (no folder scan). A step file imports no SDK at run time
 * (types only), so loading the registry is cheap enough for `playbook validate`.
 */
import type { StepType } from '../runner/contract.js'
import { testMemory, testMemoryIrreversible } from './test-memory.js'

export const stepTypes: ReadonlyMap<string, StepType> = new Map<string, StepType>(
  [
    // one line per step type, e.g. route53Ttl,
    testMemory,
    testMemoryIrreversible,
  ].map((s: StepType) => [s.type, s]),
)
