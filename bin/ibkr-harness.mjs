#!/usr/bin/env node
// Launcher for `npx ibkr-harness …`: the project ships TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./ibkr-harness.ts');
