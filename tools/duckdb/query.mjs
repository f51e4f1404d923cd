// Runs one SQL statement with DuckDB (npm @duckdb/node-api, installed by `npm ci`) and prints the result as a table:
// the README's and docs/results.md's Parquet examples, checked against a real job's output without Python or the
// duckdb CLI. Usage: node tools/duckdb/query.mjs "SELECT label, count(*) FROM 'out/demo/*.parquet' GROUP BY 1"
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node tools/duckdb/query.mjs "<SQL>"');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const result = await connection.runAndReadAll(sql);
const names = result.columnNames();
const rows = result.getRowsJson().map((row) => row.map((v) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v))));
const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(line(names));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of rows) console.log(line(row));
console.log(`(${rows.length} rows)`);
connection.closeSync();
