/** The step registry, imported lazily so `--help` and usage errors load no step code. */
import type { StepType } from '../contract.js'

export async function registry(): Promise<ReadonlyMap<string, StepType>> {
  return (await import('../../steps/index.js')).stepTypes
}
