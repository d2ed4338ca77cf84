import { describe, expect, it } from "vitest";
import { signUp } from "~/modules/accounts/accounts.server";
import { prisma } from "~/utils/db.server";
import { ConflictError } from "~/utils/errors";

describe("sign-up", () => {
  it("two sign-ups racing with one email create one account; the other is told it exists", async () => {
    const email = `race-${Date.now()}@example.test`;
    const input = (name: string) => ({ email, name, companyName: `${name} Co`, password: "long-enough-1", role: "ADVERTISER" as const });
    const results = await Promise.allSettled([signUp(input("Ann")), signUp(input("Bo"))]);
    const created = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ConflictError);
    expect(refused[0]).toMatchObject({ status: 409, message: "An account with this email already exists" });
    expect(await prisma.user.count({ where: { email } })).toBe(1);
    expect(await prisma.company.count({ where: { name: { in: ["Ann Co", "Bo Co"] } } })).toBe(1);
  });
});
