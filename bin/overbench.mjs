#!/usr/bin/env node
// Runs the TypeScript CLI directly: no build step between `npm install` and `npm run`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
