import { describe, expect, it } from "vitest";
import { signUp } from "~/modules/accounts/accounts.server";
import { prisma } from "~/utils/db.server";
import { ConflictError } from "~/utils/errors";
import { uniqueSuffix } from "./factories/accounts";
import { submitForm, useTestStack } from "./support/app";

const stack = useTestStack({ workers: false });

const signUpFields = (email: string, password: string) => ({ name: "Ann Smith", companyName: "Acme Corp", email, password, role: "ADVERTISER" });

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

  it("refuses a short, a common and a personal password, saying why under the password field", async () => {
    const email = `ann.smith-${uniqueSuffix()}@example.test`;

    const short = await submitForm(stack().appUrl, "/signup", signUpFields(email, "12345678"));
    expect(short.status).toBe(400);
    expect(short.text).toContain("Use at least 10 characters");

    const common = await submitForm(stack().appUrl, "/signup", signUpFields(email, "password123456"));
    expect(common.status).toBe(422);
    expect(common.text).toContain("This is too close to a commonly used password.");

    const personal = await submitForm(stack().appUrl, "/signup", signUpFields(email, `${email}!`));
    expect(personal.status).toBe(422);
    expect(personal.text).toContain("It contains your email, name or company.");

    expect(await prisma.user.count({ where: { email } })).toBe(0);
    const page = await fetch(new URL("/signup", stack().appUrl)).then((r) => r.text());
    expect(page).toContain("At least 10 characters, and not easy to guess");
  });

  it("ties the password's error to the password field", async () => {
    const answer = await fetch(new URL("/signup", stack().appUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(signUpFields(`bo-${uniqueSuffix()}@example.test`, "password123456")),
    });
    expect(await answer.text()).toMatch(/id="f-password-error"[^>]*>This is too close to a commonly used password/);
  });

  it("refuses a guessable password wherever an account is made, not only on the form", async () => {
    const email = `cy-${uniqueSuffix()}@example.test`;
    await expect(signUp({ email, name: "Cy", companyName: "Cy Co", password: "qwertyuiop12", role: "AFFILIATE" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { password: expect.stringContaining("commonly used password") },
    });
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });
});
