import type { Role } from "~/generated/prisma/enums";
import { ForbiddenError } from "./errors";

// Who is acting: a signed-in user or an API key, always with a role and (except admins) a company.
export interface Actor {
  userId: string | null;
  companyId: string;
  role: Role;
}

export type Permission =
  | "read:marketplace"
  | "write:order:own"
  | "read:order:own"
  | "read:lead:bought"
  | "write:lead:bought"
  | "write:topup:own"
  | "read:billing:own"
  | "write:offer:own"
  | "read:offer:own"
  | "write:lead:own"
  | "read:lead:own"
  | "read:earning:own"
  | "write:apikey:own"
  | "read:lead:any"
  | "read:audit:any"
  | "read:delivery:own"
  | "write:delivery:own"
  | "write:lead:review"
  | "write:suppression:own"
  | "write:suppression:any"
  | "write:payout-account:own"
  | "read:payout:any"
  | "write:payout:any"
  | "write:conversion:own"
  | "read:conversion:own"
  | "read:conversion:any"
  | "write:conversion:any"
  | "write:dispute:own"
  | "read:dispute:own"
  | "read:dispute:any"
  | "write:dispute:any"
  | "read:billing:any"
  | "write:billing:any"
  | "read:operations:any"
  | "read:company:any"
  | "write:company:any"
  | "write:offer:any";

const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  ADVERTISER: new Set<Permission>([
    "read:marketplace",
    "write:order:own",
    "read:order:own",
    "read:lead:bought",
    "write:lead:bought",
    "write:topup:own",
    "read:billing:own",
    "write:apikey:own",
    "read:delivery:own",
    "write:delivery:own",
    "write:suppression:own",
    "write:conversion:own",
    "read:conversion:own",
    "write:dispute:own",
    "read:dispute:own",
  ]),
  AFFILIATE: new Set<Permission>([
    "write:offer:own",
    "read:offer:own",
    "write:lead:own",
    "read:lead:own",
    "read:earning:own",
    "write:payout-account:own",
    "write:apikey:own",
    "read:delivery:own",
    "write:delivery:own",
    "read:conversion:own",
    "write:dispute:own",
    "read:dispute:own",
  ]),
  ADMIN: new Set<Permission>([
    "read:marketplace",
    "read:lead:any",
    "read:audit:any",
    "write:lead:review",
    "write:suppression:any",
    "read:payout:any",
    "read:billing:any",
    "write:billing:any",
    "write:payout:any",
    "read:conversion:any",
    "write:conversion:any",
    "read:dispute:any",
    "write:dispute:any",
    "read:operations:any",
    "read:company:any",
    "write:company:any",
    "write:offer:any",
  ]),
};

export function can(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return rolePermissions[actor.role].has(permission);
}

/** The one permission check: throws 403 when the actor's role lacks the permission. */
export function requirePermission(actor: Pick<Actor, "role">, permission: Permission): void {
  if (!can(actor, permission)) throw new ForbiddenError(`Missing permission ${permission}`);
}
