// Lists the files of node_modules/azurite and every package it needs (per package-lock.json, with Node's lookup
// rules), leaving out source maps, typings, TypeScript sources and docs: what Azurite needs to run, and no more.
const fs = require("fs");
const path = require("path");
const lock = require(path.resolve("package-lock.json")).packages;

function resolve(from, name) {
  for (let base = from; ; ) {
    const candidate = (base ? base + "/" : "") + "node_modules/" + name;
    if (lock[candidate]) return candidate;
    if (!base) return null;
    const i = base.lastIndexOf("/node_modules/");
    base = i < 0 ? "" : base.slice(0, i);
  }
}

const seen = new Set();
(function walk(pkg) {
  if (seen.has(pkg)) return;
  seen.add(pkg);
  const entry = lock[pkg];
  for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
    const found = resolve(pkg, name);
    if (found) walk(found);
  }
})("node_modules/azurite");

const skip = /(\.map|\.d\.ts|\.d\.mts|\.d\.cts|\.ts|\.mts|\.cts|\.md|\.markdown|\.odp)$/i;
for (const pkg of seen) {
  (function list(dir) {
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = dir + "/" + item.name;
      if (item.isDirectory()) {
        if (item.name !== "node_modules") list(file);
      } else if (!skip.test(item.name)) {
        console.log(file);
      }
    }
  })(pkg);
}
