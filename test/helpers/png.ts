/**
 * Just enough PNG decoding to tell a blank screenshot from a rendered page: 8-bit RGB or RGBA,
 * not interlaced (what Chromium writes). Returns how many pixels differ from the first one and
 * how many distinct colours there are.
 */
import { inflateSync } from 'node:zlib'

export type PngStats = { width: number; height: number; differing: number; colours: number }

export function pngStats(png: Buffer): PngStats {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG file')
  let offset = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (offset < png.length) {
    const len = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const data = png.subarray(offset + 8, offset + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]]
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`)
      channels = colour === 2 ? 3 : 4
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    offset += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const prev = Buffer.alloc(stride)
  const cur = Buffer.alloc(stride)
  const colours = new Set<number>()
  let first: number | undefined
  let differing = 0
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0
      const b = prev[i]
      const c = i >= channels ? prev[i - channels] : 0
      const p = a + b - c
      const pr = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : pr
      cur[i] = (line[i] + pred) & 0xff
    }
    for (let x = 0; x < width; x++) {
      const px = (cur[x * channels] << 16) | (cur[x * channels + 1] << 8) | cur[x * channels + 2]
      first ??= px
      if (px !== first) differing++
      if (colours.size < 10_000) colours.add(px)
    }
    cur.copy(prev)
  }
  return { width, height, differing, colours: colours.size }
}
