/**
 * The shared-config profiles a playbook names must exist before anything is called: the SDK would
 * find out only at the first call of a step, after other targets were already read. The profiles
 * are the sections of the config file (`[profile NAME]`, `[default]`) and of the credentials file
 * (`[NAME]`), where the SDK looks for them: AWS_CONFIG_FILE (default ~/.aws/config) and
 * AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials).
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '../errors.js'

/** The profile names of both files (a missing file has none). */
export async function knownProfiles(env: Record<string, string | undefined>): Promise<Set<string>> {
  const home = env.HOME ?? env.USERPROFILE ?? homedir()
  const config = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials')
  const names = new Set<string>()
  for (const [file, inConfig] of [[config, true], [credentials, false]] as const) {
    const text = await readFile(file, 'utf8').catch(() => '')
    for (const m of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)) {
      const section = m[1]!
      // In the config file a profile is `[profile NAME]`, except `[default]`; other sections (sso-session, services) are not profiles.
      if (!inConfig) names.add(section)
      else if (section === 'default') names.add(section)
      else if (/^profile\s+/.test(section)) names.add(section.replace(/^profile\s+/, ''))
    }
  }
  return names
}

/** Throws a usage error (exit 2) naming the first target whose profile neither file declares. */
export async function checkProfiles(env: Record<string, string | undefined>, profiles: Array<{ target: string | undefined; profile: string }>): Promise<void> {
  if (profiles.length === 0) return
  const known = await knownProfiles(env)
  for (const { target, profile } of profiles) {
    if (known.has(profile)) continue
    const what = target === undefined ? 'the default AWS target' : `AWS target "${target}"`
    const where = [env.AWS_CONFIG_FILE ?? '~/.aws/config', env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'].join(' or ')
    throw new UsageError(`${what}: no AWS profile "${profile}" in ${where} (known: ${[...known].sort().join(', ') || 'none'}); add it (aws configure --profile ${profile}) or fix the playbook's \`profile:\``)
  }
}
