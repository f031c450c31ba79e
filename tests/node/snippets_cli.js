#!/usr/bin/env node
/*
 * The setup-cell generator as a long-lived process, for the Python tests.
 *
 * Protocol: JSON lines. Each input line `{"variant": "plain"|"connected", "options": {...}}` gets
 * exactly one output line, in order: `{"source": "..."}` or `{"error": "..."}`. Strings may hold
 * any UTF-16 code units, lone surrogates included (as `\ud800` escapes; JSON.stringify writes
 * them back the same way). Runs the *built* code: lib/snippets/setupCells.js (`jlpm build:lib`).
 *
 * lib/ is ES modules with extension-less relative imports (tsc, "module": "esnext"), which Node
 * cannot load as is; a small loader hook treats lib/**.js as ESM and adds the `.js`.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { pathToFileURL } = require('node:url');

const LIB = path.resolve(__dirname, '..', '..', 'lib');
const TARGET = path.join(LIB, 'snippets', 'setupCells.js');

const HOOKS = `
const LIB = ${JSON.stringify(pathToFileURL(LIB).href + '/')};
export async function resolve(specifier, context, next) {
  const fromLib = context.parentURL && context.parentURL.startsWith(LIB);
  if (fromLib && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    return next(specifier + '.js', context);
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith(LIB) && url.endsWith('.js')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
`;

const OPTION_TYPES = {
  workspaceId: ['string'],
  workspaceName: ['string'],
  trackingUri: ['string'],
  experimentName: ['string', 'undefined'],
  deferToEnvironment: ['boolean'],
  needsToken: ['boolean', 'undefined'],
  mlflowWorkspace: ['string', 'undefined', 'null'],
  notebookId: ['string', 'undefined']
};

function checkOptions(options) {
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options)
  ) {
    throw new Error('"options" must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!(key in OPTION_TYPES)) {
      throw new Error(`unknown option ${JSON.stringify(key)}`);
    }
  }
  for (const [key, types] of Object.entries(OPTION_TYPES)) {
    const type = options[key] === null ? 'null' : typeof options[key];
    if (!types.includes(type)) {
      throw new Error(
        `option ${key} must be ${types.join(' or ')}, not ${type}`
      );
    }
  }
}

function answer(setupCell, line) {
  try {
    const request = JSON.parse(line);
    checkOptions(request.options);
    return { source: setupCell(request.variant, request.options) };
  } catch (err) {
    return { error: String((err && err.message) || err) };
  }
}

async function main() {
  if (!fs.existsSync(TARGET)) {
    process.stderr.write(
      `${TARGET} is missing: run \`jlpm build:lib\` first\n`
    );
    process.exit(2);
  }
  const { register } = require('node:module');
  if (typeof register !== 'function') {
    throw new Error(
      `Node ${process.version} has no module.register(): use Node >= 20.6`
    );
  }
  register('data:text/javascript,' + encodeURIComponent(HOOKS));
  const { setupCell } = await import(pathToFileURL(TARGET).href);
  const lines = readline.createInterface({
    input: process.stdin,
    crlfDelay: Infinity
  });
  for await (const line of lines) {
    if (line.trim()) {
      process.stdout.write(JSON.stringify(answer(setupCell, line)) + '\n');
    }
  }
}

main().catch(err => {
  process.stderr.write(`${(err && err.stack) || err}\n`);
  process.exit(1);
});
