// Access policy: who may do what, and where. Pure. Every registry query is also scoped in SQL to the
// actor's sites (src/store/registry.ts); this module decides the role half of the question.
export const ROLES = ['admin', 'clinician', 'coordinator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Read pseudonymous patient records of one's sites. */
  'records:read',
  /** Create and change registry records of one's sites. */
  'records:write',
  /** Acknowledge a serious adverse event on behalf of the site. */
  'ae:acknowledge',
  /** Read the audit trail of one's sites. */
  'audit:read',
  /** Read de-identified outcome data of one's sites (no registry ids, no full dates, no free text). */
  'deidentified:read',
  /** Manage sites, users and API tokens. */
  'users:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Role → permissions. Analysts never see pseudonymous records; admins manage accounts and review records
 * and audit but do not enter clinical data (separation of duties, regulatory.md §5.1 authority checks).
 */
const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['records:read', 'audit:read', 'deidentified:read', 'users:manage', 'ae:acknowledge'],
  clinician: ['records:read', 'records:write', 'ae:acknowledge', 'audit:read', 'deidentified:read'],
  coordinator: ['records:read', 'records:write', 'audit:read'],
  analyst: ['deidentified:read'],
};

export interface Actor {
  userId: number;
  role: Role;
  /** Sites the user belongs to; every record query is limited to these. */
  siteIds: number[];
  /** How the request came in, recorded in the audit trail. */
  via: 'ui' | 'api' | 'cli';
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return GRANTS[actor.role].includes(permission);
}

/** Role allows it and the site is one of the actor's. */
export function canAtSite(actor: Pick<Actor, 'role' | 'siteIds'>, permission: Permission, siteId: number): boolean {
  return can(actor, permission) && actor.siteIds.includes(siteId);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
