#!/usr/bin/env node
// The `lifecycle` command runs from the TypeScript sources; no build step needed.
require('./register');
require('../apps/cli/src/main.ts');
