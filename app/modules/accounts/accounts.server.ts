import { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { ConflictError, UnauthorizedError } from "~/utils/errors";
import { hashPassword, verifyPassword } from "~/utils/password.server";
import type { SignUpInput } from "./accounts.schema";
import { assertPasswordAcceptable } from "./password-policy.server";

const EMAIL_TAKEN = "An account with this email already exists";

/**
 * Creates a company and its first member. The early lookup gives the usual answer fast; the unique
 * email index settles two sign-ups racing with the same address (the loser gets the same conflict).
 */
export async function signUp(input: SignUpInput) {
  assertPasswordAcceptable(input.password, input);
  const existing = await prisma.user.findUnique({ where: { email: input.email } });
  if (existing) throw new ConflictError(EMAIL_TAKEN);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.user.create({
      data: {
        email: input.email,
        name: input.name,
        passwordHash,
        role: input.role,
        company: { create: { name: input.companyName, kind: input.role } },
      },
    });
  } catch (error) {
    // The nested create runs in one transaction, so the losing sign-up leaves no company behind.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ConflictError(EMAIL_TAKEN);
    throw error;
  }
}

export async function createAdmin(input: { email: string; name: string; password: string }) {
  assertPasswordAcceptable(input.password, input);
  return prisma.user.create({
    data: { email: input.email.toLowerCase(), name: input.name, role: "ADMIN", passwordHash: await hashPassword(input.password) },
  });
}

export async function authenticateUser(email: string, password: string) {
  const user = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  // Verify against a dummy hash when the user is unknown so timing does not reveal accounts.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) throw new UnauthorizedError("Email or password is wrong");
  return user;
}

const DUMMY_HASH =
  "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

export function roleForCompanyKind(kind: "ADVERTISER" | "AFFILIATE" | "PLATFORM"): Role {
  return kind === "PLATFORM" ? "ADMIN" : kind;
}
