import { describe, expect, it } from "vitest";
import { connectedTransaction, prisma, runsOnOwnConnection, txExecute, txQuery } from "~/utils/db.server";

// The lead pipeline's raw statements run on its transaction's own connection, not through
// Prisma's engine (docs/decisions/010-speed-to-lead.md); they must see and be the same transaction.
describe("raw statements on a connected transaction", () => {
  it("run on the transaction's own connection and see its uncommitted writes", async () => {
    const [pids, seen] = await connectedTransaction(async (tx) => {
      expect(runsOnOwnConnection(tx)).toBe(true);
      await tx.$executeRaw`CREATE TEMP TABLE connected_probe (n int8, at timestamp(3), d date, amount numeric) ON COMMIT DROP`;
      const inserted = await txExecute(
        tx,
      )`INSERT INTO connected_probe VALUES (${9007199254740993n}, ${new Date("2026-11-29T10:11:12.345Z")}, '2026-11-29', 12.50), (1, now(), now(), 0)`;
      expect(inserted).toBe(2);
      const viaPrisma = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
      const direct = await txQuery<Array<{ pid: number }>>(tx)`SELECT pg_backend_pid() AS pid`;
      const rows = await txQuery<Array<{ n: bigint; at: Date; d: Date; amount: unknown }>>(tx)`SELECT n, at, d, amount FROM connected_probe ORDER BY n DESC`;
      const prismaRows = await tx.$queryRaw<
        Array<{ n: bigint; at: Date; d: Date; amount: unknown }>
      >`SELECT n, at, d, amount FROM connected_probe ORDER BY n DESC`;
      return [[viaPrisma[0].pid, direct[0].pid], { rows, prismaRows }];
    });
    expect(pids[1]).toBe(pids[0]);
    const [first] = seen.rows;
    expect(first.n).toBe(9007199254740993n);
    expect(first.at.toISOString()).toBe("2026-11-29T10:11:12.345Z");
    expect(first.d.toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(String(first.amount)).toBe("12.5");
    // Read exactly as Prisma's own raw query reads them.
    expect(seen.rows.map((r) => [r.n, r.at.getTime(), r.d.getTime(), String(r.amount)])).toEqual(
      seen.prismaRows.map((r) => [r.n, r.at.getTime(), r.d.getTime(), String(r.amount)]),
    );
  });

  it("roll back with the transaction when it throws", async () => {
    const marker = `rollback-${Date.now()}`;
    await expect(
      connectedTransaction(async (tx) => {
        await txExecute(tx)`INSERT INTO "ReportRollupRefresh" (id, "refreshedAt", "fromDay") VALUES (${marker}, now(), CURRENT_DATE)`;
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await prisma.reportRollupRefresh.findUnique({ where: { id: marker } })).toBeNull();
  });

  it("fall back to Prisma outside a connected transaction", async () => {
    const rows = await prisma.$transaction((tx) => {
      expect(runsOnOwnConnection(tx)).toBe(false);
      return txQuery<Array<{ one: number }>>(tx)`SELECT 1 AS one`;
    });
    expect(rows).toEqual([{ one: 1 }]);
  });
});
