/**
 * The product's step types plus the test-only ones (`test.memory`, `test.memory.irreversible`),
 * which the product does not ship: engine and CLI tests run playbooks on them through this.
 */
import type { StepType } from '../../runner/contract.js'
import { stepTypes } from '../../steps/index.js'
import { testMemory, testMemoryIrreversible } from './test-memory.js'

export const testStepTypes: ReadonlyMap<string, StepType> = new Map<string, StepType>([
  ...stepTypes,
  ...[testMemory, testMemoryIrreversible].map((s: StepType) => [s.type, s] as const),
])

/** As the CLI takes it (a loader, so `--help` loads no step code). */
export const testRegistry = async (): Promise<ReadonlyMap<string, StepType>> => testStepTypes
