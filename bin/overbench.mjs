#!/usr/bin/env node
// Runs the TypeScript CLI directly: no build step between `npm install` and `npm run`. tsx is
// registered from this file, so it is found from the package wherever overbench is run from.
import { register } from 'tsx/esm/api';

register();
// A parent killed without a word (SIGKILL of `npm run bench:*`, of a CI step's shell) counts as
// a SIGTERM: the run stops every child it started and exits.
const { stopWithParent } = await import('../common/orphan.ts');
stopWithParent();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
