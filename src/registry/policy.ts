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
 * and audit but do not enter clinical data (separation of duties, docs/reference/regulatory.md §5.1 authority checks).
 */
const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['records:read', 'audit:read', 'deidentified:read', 'users:manage', 'ae:acknowledge'],
  clinician: ['records:read', 'records:write', 'ae:acknowledge', 'audit:read', 'deidentified:read'],
  coordinator: ['records:read', 'records:write', 'audit:read'],
  analyst: ['deidentified:read'],
};

/** API-token scopes (security review L6); the same list as src/registry/auth.ts TOKEN_SCOPES. */
export type Scope = 'read' | 'write' | 'export';

/** The token scope each permission needs: reading records and audit, changing anything, or exporting. */
export const PERMISSION_SCOPE: Record<Permission, Scope> = {
  'records:read': 'read',
  'audit:read': 'read',
  'records:write': 'write',
  'ae:acknowledge': 'write',
  'users:manage': 'write',
  'deidentified:read': 'export',
};

export interface Actor {
  /** API tokens: the scopes it was given (a subset of its user's role); sessions and the CLI: absent = all. */
  scopes?: readonly Scope[];
  /** Who ran a CLI command (OS user, or REGENSPINE_OPERATOR), recorded in the audit trail's "via". */
  operator?: string;
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

/** The role grants it and, for an API token, the token's scopes include the scope it needs. */
export function can(actor: Pick<Actor, 'role' | 'scopes'>, permission: Permission): boolean {
  if (!GRANTS[actor.role].includes(permission)) return false;
  return actor.scopes === undefined || actor.scopes.includes(PERMISSION_SCOPE[permission]);
}

/** Why `can` said no, for the 403 message: the role or the token's scopes. */
export function refusal(actor: Pick<Actor, 'role' | 'scopes'>, permission: Permission): string {
  return GRANTS[actor.role].includes(permission)
    ? `this API token lacks the "${PERMISSION_SCOPE[permission]}" scope (${permission})`
    : `the ${actor.role} role may not do this (${permission})`;
}

/** The audit trail's "via": ui, api, or cli with the operator who ran the command (security review L4). */
export function viaOf(actor: Pick<Actor, 'via' | 'operator'>): string {
  return actor.via === 'cli' && actor.operator ? `cli:${actor.operator}` : actor.via;
}

/** Role allows it and the site is one of the actor's. */
export function canAtSite(
  actor: Pick<Actor, 'role' | 'siteIds' | 'scopes'>,
  permission: Permission,
  siteId: number,
): boolean {
  return can(actor, permission) && actor.siteIds.includes(siteId);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
