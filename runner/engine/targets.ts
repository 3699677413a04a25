/**
 * The target of a step (its `aws:` / `cluster:`) as the engine sees it: which clients the step's
 * context holds, and the prefix of its item keys.
 *
 * Item keys of a non-default target are `@<target>/<key>` (e.g. `@eks/k8s:apps/v1/Deployment/shop/web`);
 * items of the default target keep their plain keys, so existing journals stay valid. The prefix
 * is added here, at the engine's edge of the step: {@link targetedType} wraps a step type so that
 * the step reads and writes its own plain keys while the journal, drift checks, the plan overlay
 * and rollback only ever see prefixed ones. Two objects of the same name in two clusters are
 * therefore two items. A key the step already prefixed (it starts with `@`: a step that reaches
 * another target through `ctx.cluster(name)` names that target itself) is left as it is.
 */
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../contract.js'

/** The named targets a step picked; absent members are the environment's defaults. */
export type StepTarget = { aws?: string; cluster?: string }

/** `@aws/` and/or `@cluster/` (in that order), or '' for a step on the default targets. */
export function keyPrefix(t: StepTarget | undefined): string {
  if (!t) return ''
  return `${t.aws !== undefined ? `@${t.aws}/` : ''}${t.cluster !== undefined ? `@${t.cluster}/` : ''}`
}

/** The target of a journaled or resolved step, without absent members (for journal entries). */
export function targetOf(s: { aws?: string; cluster?: string }): StepTarget {
  return { ...(s.aws !== undefined ? { aws: s.aws } : {}), ...(s.cluster !== undefined ? { cluster: s.cluster } : {}) }
}

/** A step type whose keys carry the target's prefix; the type itself for the default target. */
export function targetedType<P>(type: StepType<P>, target: StepTarget | undefined): StepType<P> {
  const prefix = keyPrefix(target)
  if (prefix === '') return type
  const wrap = (k: string) => (k.startsWith('@') ? k : prefix + k)
  const unwrap = (k: string) => (k.startsWith(prefix) ? k.slice(prefix.length) : k)
  const mapObserved = (o: Observed, f: (k: string) => string): Observed => {
    const out: Observed = {}
    for (const [k, v] of Object.entries(o)) out[f(k)] = v
    // A step may hand itself more than items through the observed value (symbol-keyed): keep it.
    for (const sym of Object.getOwnPropertySymbols(o)) Object.defineProperty(out, sym, Object.getOwnPropertyDescriptor(o, sym)!)
    return out
  }
  const mapChanges = (cs: Change[], f: (k: string) => string): Change[] => cs.map((c) => ({ ...c, key: f(c.key) }))
  const actx = (ctx: ApplyContext): ApplyContext => {
    // Everything else of the context (lazy client getters included) is inherited as it is.
    const own = Object.create(ctx) as ApplyContext
    return Object.assign(own, {
      applied: (keys: string[]) => ctx.applied(keys.map(wrap)),
      intermediate: (states: Array<{ key: string; state: unknown }>) => ctx.intermediate(states.map((s) => ({ ...s, key: wrap(s.key) }))),
    })
  }
  const wrapped: StepType<P> = {
    ...type,
    observe: async (ctx: StepContext, p: P, keys?: string[]) => mapObserved(await type.observe(ctx, p, keys?.map(unwrap)), wrap),
    diff: (p, now) => mapChanges(type.diff(p, mapObserved(now, unwrap)), wrap),
    apply: (ctx, p, changes) => type.apply(actx(ctx), p, mapChanges(changes, unwrap)),
    applyRestore: (ctx, p, changes) => type.applyRestore(actx(ctx), p, mapChanges(changes, unwrap)),
    inverse: (p) => type.inverse(p),
  }
  if (type.notes) wrapped.notes = (ctx, p, now, changes) => type.notes!(ctx, p, mapObserved(now, unwrap), mapChanges(changes, unwrap))
  if (type.planned) wrapped.planned = (ctx, p, changes) => type.planned!(ctx, p, mapChanges(changes, unwrap))
  if (type.settle) wrapped.settle = (ctx, p, unfinished) => type.settle!(actx(ctx), p, mapChanges(unfinished, unwrap))
  return wrapped
}
