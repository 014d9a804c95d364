// Runs the TypeScript sources directly: ts-node transpiles each file (no type-check at start-up;
// `npm run typecheck` does that), tsconfig-paths resolves the @lifecycle/* aliases.
const path = require('node:path');
const project = path.join(__dirname, '..', 'tsconfig.json');
require('ts-node').register({ project, transpileOnly: true });
require('tsconfig-paths').register({ baseUrl: path.join(__dirname, '..'), paths: require(project).compilerOptions.paths });
