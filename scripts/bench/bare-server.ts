import http from "node:http";
import pg from "pg";

// The bare baseline of `npm run bench:ingest` and `bench:conversions`: the least a lead endpoint can do — read the JSON
// body, insert one row into the same PostgreSQL, answer 201. No auth, no validation, no queue.

const url = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !port) throw new Error("DATABASE_URL and PORT are required");

// BARE_TABLE: the scratch table (bench:conversions uses its own); a plain identifier.
const table = process.env.BARE_TABLE ?? "bench_bare_lead";
if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error("BARE_TABLE must be a plain lower-case identifier");
const pool = new pg.Pool({ connectionString: url, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id bigserial PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400).end();
      return;
    }
    pool
      .query<{ id: string }>(`INSERT INTO ${table} (body) VALUES ($1) RETURNING id`, [body])
      .then(({ rows }) => {
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: rows[0].id }));
      })
      .catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`bare baseline listening on ${port}\n`));
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
