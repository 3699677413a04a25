/**
 * The marker of a cron handover in progress, kept on the CronJob itself.
 *
 * A handover unsuspends a CronJob with a temporary `startingDeadlineSeconds` and puts the original
 * back once the controller has acted. The annotation below is written in the same patch as the
 * temporary deadline and removed in the same patch as the original comes back, so the object
 * alone says whether a handover is unfinished, what deadline to restore and which time the
 * controller was to catch up: a runner that died in between can always finish or undo it.
 */
import * as z from 'zod'
import type { KubeObject } from '../../runner/clients/kube-types.js'

export const HANDOVER_ANNOTATION = 'switchover.dev/handover'

const markSchema = z.object({
  /** The CronJob's own deadline, to put back (null: absent). */
  startingDeadlineSeconds: z.number().int().nonnegative().nullable(),
  /** The gap time the controller is made to start (ISO), or null when none is. */
  catchUp: z.string().nullable(),
  /** When the handover began (ISO): the end of the gap. */
  resumedAt: z.string(),
})

export type HandoverMark = z.infer<typeof markSchema>

/** The marker of an unfinished handover, or undefined (none, or not one this step wrote). */
export function markOf(cj: KubeObject): HandoverMark | undefined {
  const raw = cj.metadata.annotations?.[HANDOVER_ANNOTATION]
  if (raw === undefined) return undefined
  try {
    const r = markSchema.safeParse(JSON.parse(raw))
    return r.success ? { startingDeadlineSeconds: r.data.startingDeadlineSeconds, catchUp: r.data.catchUp, resumedAt: r.data.resumedAt } : undefined
  } catch {
    return undefined
  }
}

/** Merge patch: unsuspend with the temporary deadline and the marker, in one write. */
export function beginBody(mark: HandoverMark, deadlineSeconds: number): Record<string, unknown> {
  return { metadata: { annotations: { [HANDOVER_ANNOTATION]: JSON.stringify(mark) } }, spec: { suspend: false, startingDeadlineSeconds: deadlineSeconds } }
}

/** Merge patch: write `spec` fields and, when a marker is there, drop it in the same write. */
export function specBody(spec: { suspend?: boolean; startingDeadlineSeconds: number | null }, dropMark: boolean): Record<string, unknown> {
  return { ...(dropMark ? { metadata: { annotations: { [HANDOVER_ANNOTATION]: null } } } : {}), spec }
}
