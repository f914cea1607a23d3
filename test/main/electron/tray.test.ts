import { describe, expect, it, vi } from 'vitest';
import { TRAY_ICON_DATA_URLS, trayMenuTemplate } from '../../../main/electron/tray.ts';

describe('tray menu', () => {
  it('offers "Open Kinexus" and "Quit", in that order', () => {
    const labels = trayMenuTemplate({ open: vi.fn(), quit: vi.fn() }).filter((i) => i.label).map((i) => i.label);
    expect(labels).toEqual(['Open Kinexus', 'Quit']);
  });

  it('opens the window from "Open Kinexus" and quits from "Quit"', () => {
    const open = vi.fn();
    const quit = vi.fn();
    const items = trayMenuTemplate({ open, quit });
    const click = (id: string) => (items.find((i) => i.id === id)!.click as () => void)();
    click('open');
    expect(open).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();
    click('quit');
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('ships 16 px and 32 px PNG icons', () => {
    const size = (dataUrl: string) => {
      const png = Buffer.from(dataUrl.split(',')[1], 'base64');
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      return [png.readUInt32BE(16), png.readUInt32BE(20)];
    };
    expect(size(TRAY_ICON_DATA_URLS.x1)).toEqual([16, 16]);
    expect(size(TRAY_ICON_DATA_URLS.x2)).toEqual([32, 32]);
  });
});
