const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

// ESM-only packages that jest must transform. Overriding the preset's list replaces it,
// so the preset's own entries are repeated here.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyterlab/',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/__tests__/**'
  ],
  coverageReporters: ['text-summary'],
  reporters: ['default'],
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  modulePathIgnorePatterns: [
    '<rootDir>/.venv',
    '<rootDir>/.build',
    '<rootDir>/dist',
    '<rootDir>/jupyterlab_mlflow_workspace',
    '<rootDir>/ui-tests',
    '<rootDir>/lib'
  ],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
