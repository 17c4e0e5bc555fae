// The seed's preprocessing with DuckDB (@duckdb/node-api): the shuffle is
// an ORDER BY a seeded hash into a table whose rowid is the new position.
// usage: node duckdb.mjs DATA_DIR OUT_DIR
import { DuckDBInstance } from "@duckdb/node-api";
import fs from "node:fs";
import path from "node:path";

const [data, out] = process.argv.slice(2);
const features = ["PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS",
  "LOT_ACRES", "GARAGE_SPACES", "FRONT_PORCH", "DECK"];
const phases = {};
let t0 = performance.now();
const lap = (name) => { phases[name] = (performance.now() - t0) / 1000; t0 = performance.now(); };

const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
const glob = path.join(data, "parquet", "**", "*.parquet");
await con.run(`CREATE TABLE t AS SELECT ${features.join(", ")} FROM read_parquet('${glob}', hive_partitioning = true, filename = true, file_row_number = true)
  ORDER BY hash(filename, file_row_number, 42)`);
const n = Number((await one("SELECT count(*) FROM t"))[0]);
const a = Math.floor(0.6 * n), b = Math.floor(0.8 * n);
lap("read+shuffle+split");
const cols = features.filter((c) => c !== "PRICE");
const st = await one(`SELECT ${cols.map((c) => `avg(${c}), stddev_pop(${c})`).join(", ")} FROM t WHERE rowid < ${a}`);
lap("fit");
const ranges = { train: [0, a], validation: [a, b], test: [b, n] };
const sizes = [];
for (const [name, [lo, hi]] of Object.entries(ranges)) {
  const exprs = ["PRICE", ...cols.map((c, i) => {
    const s = Number(st[2 * i + 1]);
    return `(${c} - ${st[2 * i]}) / ${s === 0 ? 1 : s} AS ${c}`;
  })];
  fs.mkdirSync(path.join(out, name), { recursive: true });
  await con.run(`COPY (SELECT ${exprs.join(", ")} FROM t WHERE rowid >= ${lo} AND rowid < ${hi} ORDER BY rowid)
    TO '${path.join(out, name, "part-0.csv")}' (HEADER)`);
  sizes.push(hi - lo);
}
lap("scale+write");
console.log(JSON.stringify({ engine: "duckdb", count: n, splits: sizes, phases }));
