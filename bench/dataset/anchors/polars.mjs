// The seed's preprocessing with Polars (nodejs-polars), reading only the
// nine kept columns (projection pushdown, as our reader does).
// usage: node polars.mjs DATA_DIR OUT_DIR
import pl from "nodejs-polars";
import fs from "node:fs";
import path from "node:path";

const [data, out] = process.argv.slice(2);
const features = ["PRICE", "YEAR_BUILT", "SQUARE_FEET", "NUM_BEDROOMS", "NUM_BATHROOMS",
  "LOT_ACRES", "GARAGE_SPACES", "FRONT_PORCH", "DECK"];
const phases = {};
let t0 = performance.now();
const lap = (name) => { phases[name] = (performance.now() - t0) / 1000; t0 = performance.now(); };

const df = pl.scanParquet(path.join(data, "parquet", "**", "*.parquet"), { hivePartitioning: true })
  .select(features).collectSync();
const n = df.height;
const shuffled = df.sample({ frac: 1, shuffle: true, seed: 42 });
const a = Math.floor(0.6 * n), b = Math.floor(0.8 * n);
const splits = [shuffled.slice(0, a), shuffled.slice(a, b - a), shuffled.slice(b, n - b)];
lap("read+shuffle+split");
const cols = features.filter((c) => c !== "PRICE");
const train = splits[0];
const stats = cols.map((c) => [c, train.getColumn(c).mean(), Math.sqrt(train.select(pl.col(c).var(0)).getColumn(c).get(0))]);
lap("fit");
["train", "validation", "test"].forEach((name, i) => {
  const scaled = splits[i].withColumns(...stats.map(([c, m, s]) => pl.col(c).sub(m).div(s === 0 ? 1 : s).alias(c)));
  fs.mkdirSync(path.join(out, name), { recursive: true });
  scaled.writeCSV(path.join(out, name, "part-0.csv"));
});
lap("scale+write");
console.log(JSON.stringify({ engine: "polars", count: n, splits: splits.map((s) => s.height), phases }));
