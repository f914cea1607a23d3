import { deflateSync } from 'node:zlib';
import type { TrayIconState } from './tray-model.ts';

const COLORS: Record<TrayIconState, [number, number, number]> = {
  healthy: [22, 128, 61],
  syncing: [37, 99, 235],
  failing: [200, 30, 30],
  paused: [110, 110, 120],
  idle: [79, 70, 229],
};

/** Whether pixel (x, y) of a unit square [0,1]² belongs to the state's glyph: the shape, not only the color, tells the state. */
function glyph(state: TrayIconState, x: number, y: number, stroke: number): boolean {
  const near = (ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= stroke;
  };
  switch (state) {
    case 'healthy': // check mark
      return near(0.28, 0.52, 0.44, 0.68) || near(0.44, 0.68, 0.74, 0.34);
    case 'failing': // exclamation mark
      return near(0.5, 0.26, 0.5, 0.58) || Math.hypot(x - 0.5, y - 0.73) <= stroke * 1.1;
    case 'paused': // two bars
      return near(0.4, 0.3, 0.4, 0.7) || near(0.6, 0.3, 0.6, 0.7);
    case 'syncing': {
      // an open ring with a gap at the top right
      const r = Math.hypot(x - 0.5, y - 0.5);
      const a = Math.atan2(y - 0.5, x - 0.5);
      return Math.abs(r - 0.22) <= stroke && !(a > -1.2 && a < -0.2);
    }
    default: // K
      return near(0.36, 0.28, 0.36, 0.72) || near(0.38, 0.52, 0.64, 0.28) || near(0.44, 0.47, 0.64, 0.72);
  }
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Renders the tray icon for a state as an RGBA PNG of `size`×`size` pixels. */
export function trayIconPng(state: TrayIconState, size: number): Buffer {
  const [r, g, b] = COLORS[state];
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const samples = 4;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let disc = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples) / size;
          const v = (y + (sy + 0.5) / samples) / size;
          if (Math.hypot(u - 0.5, v - 0.5) <= 0.48) {
            disc++;
            if (glyph(state, u, v, 0.07)) mark++;
          }
        }
      }
      const n = samples * samples;
      const alpha = disc / n;
      const white = disc ? mark / disc : 0;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = Math.round(r + (255 - r) * white);
      raw[o + 1] = Math.round(g + (255 - g) * white);
      raw[o + 2] = Math.round(b + (255 - b) * white);
      raw[o + 3] = Math.round(alpha * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
