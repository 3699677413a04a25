/**
 * A test-only step type for playbook validation tests: only its params schema matters here,
 * so the tests do not depend on the real step types being written alongside.
 */
import { z } from 'zod'
import type { StepType } from '../runner/contract.js'

const fixtureParams = z.strictObject({
  zone: z.string().min(1),
  ttl: z.number().int().min(1),
  names: z.array(z.string()).optional(),
  mode: z.enum(['all', 'weighted']).optional(),
})

const notCalled = (): never => {
  throw new Error('fixture.set only exists for validation tests')
}

export const fixtureSet: StepType<z.infer<typeof fixtureParams>> = {
  type: 'fixture.set',
  description: 'Validation-test step type; never run.',
  params: fixtureParams,
  observe: notCalled,
  diff: notCalled,
  apply: notCalled,
  applyRestore: notCalled,
  inverse: (p) => ({ type: 'fixture.set', with: p }),
}

export const fixtureRegistry: ReadonlyMap<string, StepType> = new Map<string, StepType>([[fixtureSet.type, fixtureSet]])
