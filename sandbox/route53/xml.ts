/**
 * Just enough XML for Route 53's REST-XML protocol: a serializer with escaping, and a small
 * parser for request bodies (elements, attributes skipped, text, entities, CDATA, comments).
 * Namespace prefixes are dropped from element names.
 */

/** An element: name and either text or child elements. `undefined` content omits the element. */
export type XmlOut = [name: string, content: string | number | boolean | undefined | null | XmlOut[]]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

function render([name, content]: XmlOut): string {
  if (content === undefined || content === null) return ''
  const inner = Array.isArray(content) ? content.map(render).join('') : escapeXml(String(content))
  return `<${name}>${inner}</${name}>`
}

/** A whole document: declaration, then `root` carrying the Route 53 namespace. */
export function xmlDocument(root: string, children: XmlOut[], ns: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${children.map(render).join('')}</${root}>`
}

/** A parsed element. Text is the concatenated character data directly inside it. */
export type XmlNode = { name: string; children: XmlNode[]; text: string }

/** Thrown for a body that is not well-formed XML (answered as InvalidInput). */
export class XmlSyntaxError extends Error {}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10))
    if (e in ENTITY) return ENTITY[e]
    throw new XmlSyntaxError(`unknown entity ${whole}`)
  })
}

export function parseXml(source: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' }
  const stack: XmlNode[] = [root]
  let i = 0
  while (i < source.length) {
    const lt = source.indexOf('<', i)
    const top = stack[stack.length - 1]
    if (lt < 0) {
      if (source.slice(i).trim()) throw new XmlSyntaxError('text after the root element')
      break
    }
    if (lt > i) top.text += decode(source.slice(i, lt))
    if (source.startsWith('<?', lt)) i = skipTo(source, '?>', lt)
    else if (source.startsWith('<!--', lt)) i = skipTo(source, '-->', lt)
    else if (source.startsWith('<![CDATA[', lt)) {
      const end = skipTo(source, ']]>', lt)
      top.text += source.slice(lt + 9, end - 3)
      i = end
    } else if (source.startsWith('<!', lt)) i = skipTo(source, '>', lt)
    else if (source[lt + 1] === '/') {
      const end = skipTo(source, '>', lt)
      const name = localName(source.slice(lt + 2, end - 1).trim())
      const open = stack.pop()
      if (!open || open === root || open.name !== name) throw new XmlSyntaxError(`unexpected </${name}>`)
      i = end
    } else {
      const end = skipTo(source, '>', lt)
      const raw = source.slice(lt + 1, end - 1)
      const selfClosing = raw.endsWith('/')
      const name = localName((selfClosing ? raw.slice(0, -1) : raw).trim().split(/\s+/)[0] ?? '')
      if (!name) throw new XmlSyntaxError('element without a name')
      const node: XmlNode = { name, children: [], text: '' }
      top.children.push(node)
      if (!selfClosing) stack.push(node)
      i = end
    }
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`unclosed <${stack[stack.length - 1].name}>`)
  const [doc] = root.children
  if (!doc || root.children.length > 1) throw new XmlSyntaxError('expected exactly one root element')
  return doc
}

function skipTo(source: string, token: string, from: number): number {
  const at = source.indexOf(token, from)
  if (at < 0) throw new XmlSyntaxError(`missing ${token}`)
  return at + token.length
}

function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(colon + 1)
}

/** The first child element called `name`, if any. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name)
}

export function children(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name)
}
