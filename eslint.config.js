// Lint for every source file: TypeScript, the .mjs/.js scripts and the Vue single-file components
// (eslint-plugin-vue's Vue 3 recommended rules; <script lang="ts"> is parsed by typescript-eslint).
// Only build output and runtime data are skipped. Layout is prettier's (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettierOff from 'eslint-config-prettier/flat';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: {
      // the same switches typescript-eslint makes for .ts files (vue-tsc checks names and returns)
      ...tseslint.configs.eslintRecommended.rules,
      // layout, not correctness: the screens keep short elements and their attributes on one line
      'vue/max-attributes-per-line': 'off',
      // layout, not correctness: `<b>{{ n }}</b>` stays on one line rather than three
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // tests read loosely typed JSON answers
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // layout is prettier's (npm run format; checked by npm run lint): eslint's layout rules step aside
  prettierOff,
);
