// Reads a job's Parquet parts with DuckDB (@duckdb/node-api): a reader that is not Fleet's code, as a user's pandas,
// Spark or Polars would be. Prints one JSON object: the columns DuckDB sees (name and type) and every row.
// Usage: node read-parts.mjs <job folder>   (data parts part-*.parquet and error parts errors/part-*.parquet)
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';

const job = process.argv[2];
if (!job) {
  console.error('usage: node read-parts.mjs <job folder>');
  process.exit(2);
}
const glob = (p) => `'${p.replaceAll("'", "''")}'`;
const parts = `[${glob(path.join(job, 'part-*.parquet'))}, ${glob(path.join(job, 'errors', 'part-*.parquet'))}]`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
// union_by_name: shards may carry different input columns.
const result = await connection.runAndReadAll(
  `SELECT *, labels[1].label AS first_label FROM read_parquet(${parts}, union_by_name = true, filename = true) ORDER BY uri`);
const columns = result.columnNames().map((name, i) => ({ name, type: result.columnTypes()[i].toString() }));
console.log(JSON.stringify({ columns, rows: result.getRowObjectsJson() }));
connection.closeSync();
