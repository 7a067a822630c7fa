#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so `npx tsmig` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
