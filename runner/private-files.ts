/**
 * The state directory is private to its user: directories 0700, files 0600, whatever the umask.
 * A directory that already exists with wider modes (made by an older version, or by hand) is
 * tightened, not just warned about: the journal in it holds item states and must not be readable
 * by other users of the machine.
 */
import { chmod, mkdir, stat } from 'node:fs/promises'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

/** Creates `dir` (and missing parents) 0700; tightens `dir` itself when it is wider. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE })
  await tighten(dir, DIR_MODE)
}

/** chmod `path` to `mode` when it grants more than `mode`; missing is fine. */
export async function tighten(path: string, mode: number): Promise<void> {
  try {
    const s = await stat(path)
    if ((s.mode & 0o777 & ~mode) !== 0) await chmod(path, mode)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
}
