import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // src/playbook/generated/: ajv's generated code (scripts/write-validators.ts); its redeclared
  // temporaries are ajv's style, and a drift test, not lint, keeps it what the generator writes.
  { ignores: ['node_modules/**', 'docs/**', 'src/playbook/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // The engine never prints: output goes through reporters (src/report, src/cli).
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/cli/**', 'src/report/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
