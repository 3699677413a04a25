import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { createRemoteClock, RemoteClockError } from '../runner/clients/remote-clock.js'

let sb: RunningSandbox
beforeAll(async () => {
  sb = await startSandbox()
})
afterAll(async () => {
  await sb?.stop()
})

describe('remote clock', () => {
  it('reads the sandbox time and advances it on sleep', async () => {
    const clock = await createRemoteClock(sb.url)
    expect(clock.virtual).toBe(true)
    const before = sb.clock.now()
    expect(Math.abs(clock.now() - before)).toBeLessThan(60_000)
    await clock.sleep(3_600_000)
    expect(sb.clock.now() - before).toBeGreaterThanOrEqual(3_600_000)
    expect(clock.now() - before).toBeGreaterThanOrEqual(3_600_000)
  })

  it('says what to do when the sandbox is not there', async () => {
    const down = async () => {
      throw new Error('ECONNREFUSED')
    }
    await expect(createRemoteClock('http://127.0.0.1:1', down)).rejects.toThrow(RemoteClockError)
  })
})
