#!/usr/bin/env node
// The `lifecycle` command runs from the TypeScript sources through swc; no build step needed.
const path = require('node:path');
process.env.SWCRC = 'false';
process.env.TS_NODE_PROJECT = process.env.TS_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
require('../apps/cli/src/main.ts');
