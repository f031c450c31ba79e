#!/usr/bin/env node
/*
 * JSON-lines bridge to the BUILT Azure snippet functions, for the Python tests.
 *
 * Each stdin line: {"fn": "azureSetupCell" | "azureConfigJsonCell" | "azureTrackingUri" |
 * "parseAzureConfigJson" | "validateAzureWorkspace" | "azureCloudForRegion", "args": [...]}
 * Each stdout line: {"result": ...} or {"error": "..."}.
 *
 * Requires lib/snippets/azure.js: run `jlpm build:lib` first.
 */
'use strict';

const path = require('path');
const readline = require('readline');
const { register } = require('module');
const { pathToFileURL } = require('url');

const LIB = pathToFileURL(
  path.join(__dirname, '..', '..', 'lib') + path.sep
).href;

// lib/ is tsc's ES-module output with extensionless relative imports ('./pyliteral'), as the
// bundler expects. Teach Node's loader both: lib/ files are ES modules, and './x' means './x.js'.
const HOOKS = `
const LIB = ${JSON.stringify(LIB)};
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /^\\.\\.?\\//.test(specifier) && !specifier.endsWith('.js')) {
      return next(specifier + '.js', context);
    }
    throw e;
  }
}
export async function load(url, context, next) {
  if (url.startsWith(LIB) && url.endsWith('.js')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
`;
register('data:text/javascript,' + encodeURIComponent(HOOKS));

const ALLOWED = new Set([
  'azureSetupCell',
  'azureConfigJsonCell',
  'azureTrackingUri',
  'parseAzureConfigJson',
  'validateAzureWorkspace',
  'azureCloudForRegion'
]);

async function main() {
  const azure = await import(LIB + 'snippets/azure.js');
  const rl = readline.createInterface({
    input: process.stdin,
    terminal: false
  });
  rl.on('line', line => handle(azure, line));
}

function handle(azure, line) {
  if (!line.trim()) {
    return;
  }
  let reply;
  try {
    const { fn, args } = JSON.parse(line);
    if (!ALLOWED.has(fn)) {
      throw new Error(`unknown fn: ${fn}`);
    }
    reply = { result: azure[fn](...(args || [])) };
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}

main().catch(e => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
