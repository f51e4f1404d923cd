// Starts the Azurite bundle beside it through a V8 code cache. bundle.mjs copies this file to
// node_modules/.fleet/azurite.js, the script Fleet runs, and writes the bundle itself as azurite.bundle.js.
// Why: node parsed and compiled the 12 MB bundle on every start; from the cache it only checks and loads the compiled
// code, and the table service listens ~0.2 s sooner (12 A/B pairs, docs/benchmarks.md). The first start with a new
// bundle or a new node compiles as before and writes the cache a few seconds in, once start-up code has compiled.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

const file = path.join(__dirname, "azurite.bundle.js");
const stat = fs.statSync(file);
// V8 checks a cache only against the source's length: the bundle's size and time and node's version name it instead.
const cacheFile = path.join(__dirname, `azurite.bundle.${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}.cache`);
// The shebang line is for a shell, not for the function wrapper below.
const source = fs.readFileSync(file, "utf8").replace(/^#!.*/, "");
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // No cache yet: compiled from source, and the cache is written below.
}

const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
const bundle = new Module(file, module);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, __dirname);

if (cachedData === undefined || script.cachedDataRejected) {
  setTimeout(() => {
    try {
      // Written aside and renamed: several Azurites may start at once (the tests do).
      const temp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      // A read-only folder or a race: the next start compiles from source again.
    }
  }, 3000).unref();
}
