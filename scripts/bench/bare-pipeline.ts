import http from "node:http";
import Bull from "bull";
import pg from "pg";

// The bare baseline of `npm run bench:pipeline`: the least a lead pipeline can do. BARE_ROLE=web is
// a plain Node HTTP server that stores the posted JSON (one INSERT) and queues a Bull job for it;
// BARE_ROLE=worker consumes those jobs, four at a time, with one INSERT each (the "decision").
// No auth, no validation, no checks, no money. Arrival and decision times are PostgreSQL's clock.

const url = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const prefix = process.env.QUEUE_PREFIX ?? "bare";
const role = process.env.BARE_ROLE;
if (!url || !redisUrl || (role !== "web" && role !== "worker")) throw new Error("DATABASE_URL, REDIS_URL and BARE_ROLE=web|worker are required");

const pool = new pg.Pool({ connectionString: url, max: 10 });
const queue = new Bull("bare-pipeline", redisUrl, { prefix, defaultJobOptions: { removeOnComplete: true, attempts: 3 } });

// The scratch tables bench_bare_pipeline_lead and bench_bare_pipeline_decision are created by the bench.

if (role === "web") {
  const port = Number(process.env.PORT);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: { lead_id?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { lead_id?: unknown };
      } catch {
        res.writeHead(400).end();
        return;
      }
      pool
        .query<{ id: string }>(`INSERT INTO bench_bare_pipeline_lead (external_id, body) VALUES ($1, $2) RETURNING id`, [String(body.lead_id), body])
        .then(async ({ rows }) => {
          await queue.add({ id: rows[0].id }, { jobId: `lead:${rows[0].id}` });
          res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: rows[0].id }));
        })
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => process.stdout.write(`bare pipeline web listening on ${port}\n`));
  process.on("SIGTERM", () => {
    server.close();
    void Promise.all([queue.close(), pool.end()]).then(() => process.exit(0));
  });
} else {
  void queue.process(4, async (job: Bull.Job<{ id: string }>) => {
    await pool.query(`INSERT INTO bench_bare_pipeline_decision (lead_id) VALUES ($1) ON CONFLICT DO NOTHING`, [job.data.id]);
  });
  process.stdout.write("bare pipeline worker consuming\n");
  process.on("SIGTERM", () => void Promise.all([queue.close(), pool.end()]).then(() => process.exit(0)));
}
