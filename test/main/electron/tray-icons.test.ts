import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { trayIconPng } from '../../../main/electron/tray-icons.ts';

function pixels(png: Buffer, size: number): Buffer {
  // IHDR is fixed-size; the single IDAT follows it.
  const idatLen = png.readUInt32BE(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  expect(raw.length).toBe((size * 4 + 1) * size);
  return raw;
}

describe('tray icons', () => {
  it('renders a valid RGBA PNG for every state at 1x and 2x', () => {
    for (const state of ['healthy', 'syncing', 'failing', 'paused', 'idle'] as const) {
      for (const size of [16, 32]) {
        const png = trayIconPng(state, size);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        expect(png.readUInt32BE(16)).toBe(size);
        expect(png[25]).toBe(6);
        pixels(png, size);
      }
    }
  });

  it('tells states apart by shape, not only by color', () => {
    const shape = (s: Parameters<typeof trayIconPng>[0]) => {
      const raw = pixels(trayIconPng(s, 32), 32);
      // A pixel is "glyph" when it is near white.
      const bits: number[] = [];
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
        const o = y * 129 + 1 + x * 4;
        bits.push(raw[o] > 200 && raw[o + 1] > 200 && raw[o + 2] > 200 ? 1 : 0);
      }
      return bits.join('');
    };
    const shapes = new Set(['healthy', 'syncing', 'failing', 'paused', 'idle'].map((s) => shape(s as never)));
    expect(shapes.size).toBe(5);
  });
});
