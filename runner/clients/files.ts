/**
 * The {@link StepFiles} the runner hands to steps: reading manifests and running render commands
 * (`helm template`, `kustomize build`) relative to the playbook's directory. zx is imported lazily.
 *
 * Guarantees: nothing is written; a render command runs without a shell, each argument escaped by
 * zx, and fails with its exit code and stderr when it exits non-zero.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { StepFiles } from '../contract.js'

/** A render command exited non-zero or could not start. */
export class RenderFailed extends Error {
  constructor(command: string, args: string[], detail: string, options?: { cause?: unknown }) {
    super(`render command \`${[command, ...args].join(' ')}\` failed: ${detail}; run it by hand in the playbook's directory to see why`, options)
    this.name = 'RenderFailed'
  }
}

export function createStepFiles(baseDir: string): StepFiles {
  const at = (path: string) => resolve(baseDir, path)
  return {
    readText: (path) => readFile(at(path), 'utf8'),
    async list(path) {
      const full = at(path)
      if (!(await stat(full)).isDirectory()) return [path]
      const entries = await readdir(full, { withFileTypes: true })
      return entries
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort()
        .map((name) => join(path, name))
    },
    async render(command, args) {
      const { $ } = await import('zx')
      try {
        const out = await $({ cwd: baseDir, quiet: true, verbose: false })`${command} ${args}`
        return out.stdout
      } catch (e) {
        const err = e as { exitCode?: number; stderr?: string; message?: string }
        const detail = err.exitCode !== undefined ? `exit code ${err.exitCode}: ${(err.stderr ?? '').trim()}` : (err.message ?? String(e))
        throw new RenderFailed(command, args, detail, { cause: e })
      }
    },
  }
}
