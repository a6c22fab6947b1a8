// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Flat config shared by every workspace package.
 *
 * @param {string} rootDir the package directory (`import.meta.dirname`)
 * @param {{ browserSafe?: boolean, maxLines?: number }} [options] browserSafe forbids Node built-ins
 *   in `src/` outside tests, so the package also runs in a browser; maxLines caps the lines of a
 *   source file of `src/` (not tests or fixtures), for a package that keeps one concept per file.
 */
export function createConfig(rootDir, options = {}) {
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', '*.config.*', 'eslint.config.js'] },
    eslint.configs.recommended,
    tseslint.configs.strictTypeChecked,
    tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir: rootDir },
      },
      rules: {
        '@typescript-eslint/switch-exhaustiveness-check': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/consistent-type-exports': 'error',
        '@typescript-eslint/restrict-template-expressions': [
          'error',
          { allowNumber: true, allowBoolean: true },
        ],
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
        ],
        'no-restricted-syntax': [
          'error',
          { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
          { selector: 'ExportAllDeclaration', message: 'Re-export names explicitly; no `export *`.' },
        ],
      },
    },
    {
      files: ['**/*.test.ts', '**/*.test-d.ts', 'src/testing/**'],
      rules: {
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
      },
    },
    options.browserSafe
      ? {
          files: ['src/**/*.ts'],
          ignores: ['src/**/*.test.ts', 'src/**/*.test-d.ts'],
          rules: {
            'no-restricted-globals': [
              'error',
              ...['process', 'Buffer', '__dirname', '__filename', 'require', 'global', 'setImmediate'].map((name) => ({
                name,
                message: 'This package runs in browsers too: no Node globals outside tests.',
              })),
            ],
            'no-restricted-imports': [
              'error',
              {
                patterns: [
                  {
                    regex: '^(node:|fs$|path$|os$|child_process$|process$|url$|stream$)',
                    message: 'This package runs in browsers too: no Node built-ins outside tests.',
                  },
                ],
              },
            ],
          },
        }
      : {},
    options.maxLines !== undefined
      ? {
          files: ['src/**/*.ts'],
          ignores: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/**/__fixtures__/**'],
          rules: {
            'max-lines': ['error', { max: options.maxLines, skipBlankLines: false, skipComments: false }],
          },
        }
      : {},
  );
}
