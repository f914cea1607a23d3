#!/usr/bin/env node
// Entry of the `kinexus` command: loads the TypeScript sources through tsx,
// so the CLI runs straight from a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
