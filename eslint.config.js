// Type-aware lint; zero warnings allowed (npm run lint uses --max-warnings 0).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders of the pure core may not reach the outside world (ARCHITECTURE.md "Boundaries"). */
const coreForbidden = [
  { group: ['hono', 'hono/*', '@hono/*'], message: 'domain/pipeline stay free of the web framework' },
  { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'SQL lives in appliance/store only' },
  { group: ['net-snmp', 'node:net', 'net'], message: 'I/O belongs in integrations/' },
  { group: ['**/integrations/**'], message: 'the core never imports integrations; main.ts wires them' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'dist/**',
      'coverage/**',
      'appliance/store/migrations/**',
      'test/fixtures/**',
      '.tmp/**',
      '.tmp-build-*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['appliance/domain/**/*.ts', 'appliance/pipeline/**/*.ts', 'appliance/coding/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreForbidden }] },
  },
  {
    files: ['integrations/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/appliance/store/**', '**/appliance/pipeline/**'],
              message: 'integrations import only core types (domain, ports)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
);
