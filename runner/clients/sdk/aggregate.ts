/**
 * A client class with one method per command, like the SDK's aggregated clients (`ECS`,
 * `Route53`, ...) but for the commands given only. The SDK's aggregated class imports every
 * command of its service, and with them every command's schemas: a bundle that uses three of
 * ECS's sixty commands kept all sixty. Here each service module (runner/clients/sdk/*.ts) names
 * the commands the steps and gates call, and the bundle keeps those.
 *
 * `ClientOf` types the result from the SDK's own aggregated class, so a method is there at run
 * time exactly when it type-checks.
 */

type CommandClass = new (input: never) => unknown
type Sender = { send(command: unknown, options?: unknown): Promise<unknown> }

type MethodName<K> = K extends `${infer N}Command` ? Uncapitalize<N> : never

/** The aggregated client `Full` narrowed to the methods of `Commands`, plus what every client has. */
export type ClientOf<Full, Commands> = Pick<Full, Extract<MethodName<keyof Commands>, keyof Full> | Extract<'send' | 'destroy' | 'config' | 'middlewareStack', keyof Full>>

export function aggregate<T>(Base: new (config: never) => Sender, commands: Record<string, CommandClass>): new (config: Record<string, unknown>) => T {
  const Aggregated = class extends Base {}
  for (const [name, Command] of Object.entries(commands)) {
    const method = `${name[0]!.toLowerCase()}${name.slice(1, -'Command'.length)}`
    Object.defineProperty(Aggregated.prototype, method, {
      value(this: Sender, input: never, options?: unknown) {
        return this.send(new Command(input), options)
      },
      writable: true,
      configurable: true,
    })
  }
  return Aggregated as unknown as new (config: Record<string, unknown>) => T
}
