#!/usr/bin/env node
// Entry point for `npx regenspine`: registers tsx so the TypeScript sources run
// directly (no build step after `npm ci`), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
