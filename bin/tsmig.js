#!/usr/bin/env node
// Runs the JavaScript build (dist/, written by `npm run build`, which `npm ci` runs via `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tsmig: dist/main.js is missing; build it with `npm run build` (npm ci and npm test do)\n');
  process.exit(1);
}
// With -v, stack traces name the TypeScript sources.
if (process.argv.includes('-v') || process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
await import(entry.href);
