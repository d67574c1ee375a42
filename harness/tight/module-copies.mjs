/**
 * Module hook (node:module register) for bench:tight's paired worker: a module imported with
 * `?copy=NAME` gets its own instance, and so does every file of this package it imports (the
 * query travels down the import graph; node_modules stay shared). Each backend then runs the
 * daemon's code through its own copy of every function, whose call sites see that backend's
 * class only: monomorphic, as in a daemon that runs one backend, while both copies share one
 * process and one heap.
 *
 * Plain .mjs: it runs on the loader thread, before and apart from tsx's own hooks.
 */
let root = '';

export function initialize(data) {
  root = data.root;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const url = resolved.url;
  // this package's own files only: not its dependencies (the package itself may sit in a
  // node_modules folder when installed, so only what lies below its root counts)
  if (!url.startsWith(root) || url.slice(root.length).includes('node_modules/')) return resolved;
  const copy = copyOf(specifier) ?? copyOf(context.parentURL);
  if (copy === null) return resolved;
  const u = new URL(url);
  u.searchParams.set('copy', copy);
  return { ...resolved, url: u.href };
}

function copyOf(url) {
  if (typeof url !== 'string' || !url.startsWith('file:')) return null;
  return new URL(url).searchParams.get('copy');
}
