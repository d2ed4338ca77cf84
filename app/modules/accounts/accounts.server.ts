import { Prisma } from "~/generated/prisma/client";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ConflictError, DomainError, UnauthorizedError } from "~/utils/errors";
import { hashPassword, verifyPassword } from "~/utils/password.server";
import type { SignUpInput } from "./accounts.schema";
import { lockAccount, secondsLocked } from "./account-lock.server";
import { assertPasswordAcceptable } from "./password-policy.server";
import {
  accountLockedError,
  loginFailuresByAddress,
  loginFailuresByEmail,
  signUpsByAddress,
  tooManyLoginFailuresError,
  tooManySignUpsError,
} from "./rate-limits.server";

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

/** Counts a sign-up attempt from `clientAddress`; 429 once SIGNUP_ADDRESS_MAX_ATTEMPTS were made in the window. */
export async function countSignUpAttempt(clientAddress: string) {
  const attempts = await signUpsByAddress.peek(clientAddress);
  if (attempts.reached) throw tooManySignUpsError(attempts.retryAfterSeconds);
  await signUpsByAddress.hit(clientAddress);
}

export async function createAdmin(input: { email: string; name: string; password: string }) {
  assertPasswordAcceptable(input.password, input);
  return prisma.user.create({
    data: { email: input.email.toLowerCase(), name: input.name, role: "ADMIN", passwordHash: await hashPassword(input.password) },
  });
}

/**
 * The user whose email and password these are. Refused with 429 while the client address has too
 * many recent failures or the account is locked (even with the right password); 401 otherwise.
 * Each failure counts for the address and the email; the LOGIN_ACCOUNT_MAX_FAILURES-th on one
 * email locks the account. Unknown emails are counted and "locked" (in Redis only) alike, so the
 * answers do not tell which accounts exist.
 */
export async function authenticateUser(email: string, password: string, clientAddress: string) {
  const emailKey = email.toLowerCase();
  const [fromAddress, forEmail] = await Promise.all([loginFailuresByAddress.peek(clientAddress), loginFailuresByEmail.peek(emailKey)]);
  if (fromAddress.reached) throw tooManyLoginFailuresError(fromAddress.retryAfterSeconds);
  const user = await prisma.user.findUnique({ where: { email: emailKey } });
  const lockedFor = user ? secondsLocked(user) : forEmail.reached ? forEmail.retryAfterSeconds : 0;
  if (lockedFor > 0) throw accountLockedError(lockedFor);
  // Verify against a dummy hash when the user is unknown so timing does not reveal accounts.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (user && ok) {
    await loginFailuresByEmail.forget(emailKey);
    const company = user.companyId
      ? await prisma.company.findUnique({ where: { id: user.companyId }, select: { name: true, suspendedAt: true, suspendedReason: true } })
      : null;
    if (company?.suspendedAt) throw new CompanySuspendedError(company.name, company.suspendedReason);
    return user;
  }
  const [byAddress, byEmail] = await Promise.all([loginFailuresByAddress.hit(clientAddress), loginFailuresByEmail.hit(emailKey)]);
  if (byEmail.reached) {
    const lockSeconds = getEnv().LOGIN_LOCK_SECONDS;
    if (user) {
      await lockAccount(user.id, { failures: byEmail.count, clientAddress });
      // The lock is on the user row now; after it the count starts again from zero.
      await loginFailuresByEmail.forget(emailKey);
    } else {
      await loginFailuresByEmail.block(emailKey, lockSeconds);
    }
    throw accountLockedError(lockSeconds);
  }
  if (byAddress.reached) throw tooManyLoginFailuresError(byAddress.retryAfterSeconds);
  throw new UnauthorizedError("Email or password is wrong");
}

/** The right password, but an admin suspended the user's company (companies/company-moderation.server.ts). */
export class CompanySuspendedError extends DomainError {
  constructor(companyName: string, reason: string | null) {
    super(
      `${companyName} is suspended by Leadex${reason ? `: ${reason}` : ""}. Sign-in is refused until the account is reinstated; write to support to ask why.`,
      403,
      "company_suspended",
    );
  }
}

const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

export function roleForCompanyKind(kind: "ADVERTISER" | "AFFILIATE" | "PLATFORM"): Role {
  return kind === "PLATFORM" ? "ADMIN" : kind;
}
