export * from './http.ts';
export * from './log.ts';
export * from './faults.ts';
export * from './emulator.ts';
