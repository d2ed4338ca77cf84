// Preloaded into a bench's worker processes (`node --import ./scripts/bench/count-queries.js`):
// counts every statement sent to PostgreSQL through `pg` (Prisma's adapter, raw hot-path queries)
// by its first keyword and by statement and table ("INSERT LeadEvent"), and writes the counts to $BENCH_QUERY_COUNT_DIR/queries-<pid>.json every
// second and at exit, so the bench can say how many statements one lead costs.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const dir = process.env.BENCH_QUERY_COUNT_DIR;
if (dir) {
  const counts = { total: 0, byKind: {}, byStatement: {} };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, ...rest) {
    const text = typeof config === "string" ? config : (config?.text ?? "");
    const kind = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? "OTHER";
    counts.total++;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    const table = /(?:FROM|INTO|UPDATE|JOIN)\s+(?:"public"\.)?"(\w+)"/i.exec(text)?.[1];
    const key = table ? `${kind} ${table}` : /pg_advisory|FOR UPDATE/i.test(text) ? `${kind} (lock)` : kind;
    counts.byStatement[key] = (counts.byStatement[key] ?? 0) + 1;
    return original.call(this, config, ...rest);
  };
  const file = path.join(dir, `queries-${process.pid}.json`);
  const write = () => fs.writeFileSync(file, JSON.stringify(counts));
  setInterval(write, 1000).unref();
  process.on("exit", write);
}
