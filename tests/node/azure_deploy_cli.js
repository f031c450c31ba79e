#!/usr/bin/env node
/*
 * JSON-lines bridge to the BUILT Azure deploy targets (src/azure/), for the Python tests.
 *
 * Each stdin line: {"target": "azure-managed-online" | "azure-kubernetes-online" | "azure-aci" |
 * "azure-aks", "op": "generate" | "validate" | "defaults", "model": {...}, "values": {...}}
 * or {"target": ..., "op": "action", "action": "state" | "call" | "delete", "deployment": {...}}
 * (a listed deployment, as GET /deployments shows it).
 * Each stdout line: {"result": ...} or {"error": "..."}.
 *
 * Requires lib/azure/*.js: run `jlpm build:lib` first.
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

const MODULES = {
  'azure-managed-online': [
    'azure/managedOnlineTarget.js',
    'managedOnlineTarget'
  ],
  'azure-kubernetes-online': [
    'azure/kubernetesOnlineTarget.js',
    'kubernetesOnlineTarget'
  ],
  'azure-aci': ['azure/aciTarget.js', 'aciTarget'],
  'azure-aks': ['azure/aksTarget.js', 'aksTarget']
};

// The translation bundle the dialog passes: identity with %1 substitution.
const trans = {
  __: (text, ...args) => text.replace(/%(\d)/g, (_, i) => String(args[i - 1]))
};

async function main() {
  const targets = {};
  for (const [id, [file, name]] of Object.entries(MODULES)) {
    targets[id] = (await import(LIB + file))[name];
  }
  const rl = readline.createInterface({
    input: process.stdin,
    terminal: false
  });
  rl.on('line', line => handle(targets, line));
}

function handle(targets, line) {
  if (!line.trim()) {
    return;
  }
  let reply;
  try {
    const { target, op, model, values, action, deployment } = JSON.parse(line);
    const t = targets[target];
    if (!t) {
      throw new Error(`unknown target: ${target}`);
    }
    if (op === 'generate') {
      reply = { result: t.generate({ model, workspaceId: 'w', values }) };
    } else if (op === 'validate') {
      reply = { result: t.validate(values, trans) };
    } else if (op === 'action') {
      const found = t.actions(trans).find(a => a.id === action);
      if (!found) {
        throw new Error(`unknown action: ${action}`);
      }
      reply = { result: found.generate(deployment) };
    } else if (op === 'defaults') {
      reply = { result: t.defaults(model) };
    } else {
      throw new Error(`unknown op: ${op}`);
    }
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}

main().catch(e => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
