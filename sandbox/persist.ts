/**
 * The sandbox's state between commands: `<stateDir>/state.json` holds the whole estate with the
 * virtual time in `now`. Written atomically (temporary file, fsync, rename), so a crash leaves
 * either the old or the new state, never half of one.
 */
import { open, readFile, rename } from 'node:fs/promises'
import { FILE_MODE, privateDir } from '../runner/private-files.js'
import { join } from 'node:path'
import { referenceEstate } from '../fixtures/generate.js'
import type { Estate } from './estate.js'

export const STATE_FILE = 'state.json'

/** Thrown when state.json exists but is not an estate. */
export class SandboxStateUnreadable extends Error {
  constructor(path: string, cause: unknown) {
    super(`sandbox state ${path} is unreadable (${(cause as Error).message}); run \`playbook sandbox reset\` to start again from the seed estate`, { cause })
  }
}

/** The persisted estate in `stateDir`, or null when there is none. */
export async function loadState(stateDir: string): Promise<Estate | null> {
  const path = join(stateDir, STATE_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new SandboxStateUnreadable(path, err)
  }
  try {
    const estate = JSON.parse(text) as Estate
    if (estate.version !== 1 || typeof estate.now !== 'string') throw new Error('not a version 1 estate')
    return estate
  } catch (err) {
    throw new SandboxStateUnreadable(path, err)
  }
}

/** The persisted estate, or the reference estate when nothing is persisted yet. */
export async function loadOrSeed(stateDir: string): Promise<Estate> {
  return (await loadState(stateDir)) ?? referenceEstate()
}

export async function saveState(stateDir: string, estate: Estate): Promise<void> {
  await privateDir(stateDir)
  const path = join(stateDir, STATE_FILE)
  const tmp = `${path}.${process.pid}.tmp`
  const file = await open(tmp, 'w', FILE_MODE)
  try {
    await file.writeFile(JSON.stringify(estate, null, 1) + '\n')
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(tmp, path)
}

/** Thrown when an estate file given with `--estate` cannot be used. */
export class EstateFileUnreadable extends Error {
  constructor(path: string, cause: unknown) {
    super(`estate file ${path} is unreadable (${(cause as Error).message}); pass a JSON estate such as fixtures/estates/reference.json`, { cause })
  }
}

/** Read an estate file given on the command line (`--estate FILE`). */
export async function readEstateFile(path: string): Promise<Estate> {
  try {
    const estate = JSON.parse(await readFile(path, 'utf8')) as Estate
    if (estate.version !== 1 || typeof estate.now !== 'string') throw new Error('not a version 1 estate')
    return estate
  } catch (err) {
    throw new EstateFileUnreadable(path, err)
  }
}
