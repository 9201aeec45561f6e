import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The pure core: no I/O, no timers, no ambient randomness (see STYLE.md).
    files: ['src/hw/**/*.ts', 'src/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'os', 'child_process'] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the seeded PRNG' }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'Date'],
    },
  },
);
