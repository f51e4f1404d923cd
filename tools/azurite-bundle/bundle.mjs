// Bundles Azurite into one file (npm ci runs this as postinstall). Azurite's own entry point requires ~1,500 files
// from 475 packages: node spent ~2 s resolving and reading them before the table service listened, the longest step
// of `fleet run`'s start-up. The bundle starts in ~1.3 s less. Fleet uses it when present (AzuriteScriptLocator) and
// falls back to node_modules/azurite/dist/src/azurite.js, so a failed bundle costs start-up time, never a run.
import { build } from "esbuild";
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const folder = join(root, "node_modules", ".fleet");
const outfile = join(folder, "azurite.bundle.js");
try {
  // A code cache belongs to one bundle (start.cjs): a new bundle starts without the old ones.
  for (const name of readdirSync(folder, { withFileTypes: true }).filter((e) => e.name.endsWith(".cache")))
    rmSync(join(folder, name.name), { force: true });
} catch {
  // No folder yet.
}
try {
  await build({
    entryPoints: [join(root, "node_modules", "azurite", "dist", "src", "azurite.js")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    // Only sequelize's postgres dialect needs it, and Azurite runs on its own file stores.
    external: ["pg-hstore"],
    // Without comments and indentation the bundle is 12.5 MB instead of 17.7, and node reads and parses every byte of
    // it at start: table service listening 0.9x the time (12 A/B pairs). Full minification (renamed identifiers, with
    // their names kept) measured 1.05x, slower. Licence comments go to azurite.bundle.js.LEGAL.txt beside it.
    minifyWhitespace: true,
    legalComments: "external",
    logLevel: "error",
  });
  // The script Fleet runs: starts the bundle through V8's code cache.
  copyFileSync(join(here, "start.cjs"), join(folder, "azurite.js"));
  console.log(`azurite-bundle: ${join(folder, "azurite.js")} (starts ${outfile})`);
} catch (e) {
  console.warn(`azurite-bundle: not built (${e.message}); Fleet starts Azurite from node_modules/azurite instead`);
}
