#!/usr/bin/env node
// The `closeloop` command. TypeScript sources run through tsx's loader (no separate build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
