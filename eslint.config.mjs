// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'node_modules/',
      'artifacts/',
      'eslint.config.mjs',
      '.dependency-cruiser.cjs',
      'jest.config.js',
      'jest.browser.config.js',
      'jest.scale.config.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      eqeqeq: 'error',
      curly: 'error',
      // hbs is a CommonJS module with `export =`; its documented import is `import hbs = require('hbs')`.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^hbs$'] }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      // supertest and Jest matchers are loosely typed.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The scripts the pages load: plain JavaScript for the browser, outside the TS project.
    files: ['public/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', fetch: 'readonly' },
    },
  },
  {
    // The bench and the fuzzer are command-line tools: they report on standard output.
    files: ['bench/**/*.ts', 'fuzz/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
