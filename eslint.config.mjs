// @ts-check
import tseslint from 'typescript-eslint';

// The boundary that matters most: libs/domain is pure. It may not import a framework, a driver
// or any I/O module, and it may not read the clock or draw random numbers.
const forbiddenInDomain = [
  '@nestjs/*', 'typeorm', 'typeorm-*', 'pg', 'pg-*', '@electric-sql/*', 'kafkajs',
  '@eventstore/*', '@kurrent/*', 'fs', 'node:fs', 'fs/*', 'node:fs/*', 'net', 'node:net', 'http', 'node:http',
  'https', 'node:https', 'node:crypto', 'crypto', 'node:child_process', 'child_process',
  '@lifecycle/event-store', '@lifecycle/event-store/*', '@lifecycle/read-store', '@lifecycle/read-store/*',
  '@lifecycle/messaging', '@lifecycle/messaging/*', '@lifecycle/engine/*',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', '**/tmp/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/clv/**/*.ts', 'libs/sagas/**/*.ts', 'projections/**/*.projection.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenInDomain.map((group) => ({ group: [group], message: 'libs/domain is pure: no frameworks, drivers or I/O (see STYLE.md).' })) }],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain takes `now` as input; it never reads the clock.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The domain takes `now` as input; it never reads the clock.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The domain takes ids and randomness as input.' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Configuration reaches the domain as data.' },
      ],
    },
  },
);
