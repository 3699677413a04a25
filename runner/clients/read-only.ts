/**
 * Thrown by the read-only clients of plan and dry-run when something tries to write.
 * Seeing it means a step called a mutating API where only reads are allowed: that is a bug in
 * the step (observe/diff must never write), not something to retry.
 */
export class ReadOnlyViolation extends Error {
  readonly operation: string
  constructor(service: string, operation: string) {
    super(
      `${service} ${operation} refused: the clients are read-only (plan or dry-run). ` +
        `Only Get*/List*/Describe* calls are allowed here; run "playbook run" to make changes.`,
    )
    this.name = 'ReadOnlyViolation'
    this.operation = operation
  }
}

/** Operations a read-only AWS client lets through. */
export function isReadOperation(operation: string): boolean {
  return /^(Get|List|Describe)[A-Z]/.test(operation) || operation === 'TestDNSAnswer'
}
