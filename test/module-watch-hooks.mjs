// Loader hooks (they run off the main thread): report every resolved module URL on the port.
let port

export async function initialize(data) {
  port = data.port
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  port.postMessage(resolved.url)
  return resolved
}
