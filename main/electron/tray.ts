import type { MenuItemConstructorOptions } from 'electron';

export const TRAY_TOOLTIP = 'Kinexus Desktop';

/** The tray icon (a white K on indigo) at 1x and 2x, as PNG data URLs. */
export const TRAY_ICON_DATA_URLS = {
  x1: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAATklEQVR42mNggAJ/t6f/ScEMyIBUzSiGkKIBBDAMwaYIBogRJ8oAXJqJMgCfZoIGENJMtAF4Y4KmLqA4DKgSC9i8RduERHJSpjgzUZqdAe5quS10flIRAAAAAElFTkSuQmCC',
  x2: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAj0lEQVR42u3XQQqAMAwEwL7Oq/9/gO/Qm9BSA81mNym44LU7B2mT1oacx3Uzv2aFXW4iVOVThLq8Q2SVvwjGoWNgwMqBs8gAX5EArNAB3vIQAFIOA9ByCBBR7gZElYcDaDfhDyj5D3ivXtlFJAOgiP3fghKvIYKQTERSwOpYRpuK0wFb7AZ1VrMSy2nWev4ASWzJuuwBha4AAAAASUVORK5CYII=',
} as const;

/** The tray's context menu: open the window, or quit the app. */
export function trayMenuTemplate(actions: { open: () => void; quit: () => void }): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: 'Open Kinexus', click: () => actions.open() },
    { type: 'separator' },
    { id: 'quit', label: 'Quit', click: () => actions.quit() },
  ];
}
