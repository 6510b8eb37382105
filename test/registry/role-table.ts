// The registry's role table, written out literally from docs/reference/registry.md ("Roles and access";
// issue 5 §1: "network analyst with de-identified read-only access", §6 "a serious event is flagged to the
// site"), for tests that must not take their expectation from the code's own GRANTS.
import type { Permission, Role } from '../../src/registry/policy.ts';

export const ROLE_TABLE: Record<Permission, Record<Role, boolean>> = {
  'records:read': { admin: true, clinician: true, coordinator: true, analyst: false },
  'records:write': { admin: false, clinician: true, coordinator: true, analyst: false },
  'ae:acknowledge': { admin: true, clinician: true, coordinator: false, analyst: false },
  'audit:read': { admin: true, clinician: true, coordinator: true, analyst: false },
  'deidentified:read': { admin: true, clinician: true, coordinator: false, analyst: true },
  'users:manage': { admin: true, clinician: false, coordinator: false, analyst: false },
};
