import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../shared/transport.ts';
import { createBridge } from './bridge.ts';

// Wiring only: the bridge's behaviour lives in bridge.ts and is tested in Node.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));
