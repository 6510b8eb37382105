// Access policy, pure: the role table of docs/reference/registry.md "Roles and access" (written out in
// test/registry/role-table.ts), the API-token scopes of the README ("API tokens have scopes (`read`, `write`,
// `export`, within the user's role)") — reading records and audit needs read, changing anything write, the
// de-identified export export — and the audit trail's "via" (security review L4: the CLI names its operator).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  can,
  canAtSite,
  isRole,
  PERMISSION_SCOPE,
  PERMISSIONS,
  permissionsOf,
  ROLES,
  refusal,
  viaOf,
} from '../../src/registry/policy.ts';
import { ROLE_TABLE } from './role-table.ts';

describe('roles', () => {
  test('the four roles of the role table, and nothing else, are roles', () => {
    assert.deepEqual([...ROLES], ['admin', 'clinician', 'coordinator', 'analyst']);
    for (const r of ROLES) assert.equal(isRole(r), true, r);
    for (const x of ['Admin', 'patient', 'site coordinator', '', 1, null, undefined, ['admin']])
      assert.equal(isRole(x), false, JSON.stringify(x));
  });

  test("each role's permissions are its column of the role table", () => {
    for (const role of ROLES) {
      const expected = PERMISSIONS.filter((p) => ROLE_TABLE[p][role]);
      assert.deepEqual([...permissionsOf(role)].sort(), [...expected].sort(), role);
    }
  });
});

describe('API-token scopes: read for records and audit, write for any change, export for de-identified data', () => {
  test('the scope each permission needs', () => {
    assert.deepEqual(PERMISSION_SCOPE, {
      'records:read': 'read',
      'audit:read': 'read',
      'records:write': 'write',
      'ae:acknowledge': 'write',
      'users:manage': 'write',
      'deidentified:read': 'export',
    });
  });

  test('a token with one scope does exactly what that scope allows within the role', () => {
    const clinicianWith = (scope: 'read' | 'write' | 'export') =>
      PERMISSIONS.filter((p) => can({ role: 'clinician', scopes: [scope] }, p));
    assert.deepEqual(clinicianWith('read'), ['records:read', 'audit:read']);
    assert.deepEqual(clinicianWith('write'), ['records:write', 'ae:acknowledge']);
    assert.deepEqual(clinicianWith('export'), ['deidentified:read']);
    assert.equal(can({ role: 'admin', scopes: ['write'] }, 'users:manage'), true);
    assert.equal(can({ role: 'admin', scopes: ['read', 'export'] }, 'users:manage'), false);
    assert.equal(can({ role: 'clinician', scopes: [] }, 'records:read'), false, 'no scope, nothing');
  });

  test('the refusal names the missing scope when the role allows it, else the role', () => {
    const scope = refusal({ role: 'clinician', scopes: ['read'] }, 'records:write');
    assert.match(scope, /token lacks the "write" scope/);
    assert.match(scope, /\(records:write\)/);
    assert.match(
      refusal({ role: 'analyst', scopes: ['read'] }, 'deidentified:read'),
      /"export" scope.*\(deidentified:read\)/,
    );
    const role = refusal({ role: 'analyst' }, 'records:read');
    assert.match(role, /the analyst role may not/);
    assert.match(role, /\(records:read\)/);
    assert.doesNotMatch(role, /scope/);
    assert.match(
      refusal({ role: 'coordinator', scopes: ['write'] }, 'ae:acknowledge'),
      /coordinator role.*\(ae:acknowledge\)/,
    );
  });
});

describe("sites: the role allows it and the site is one of the actor's", () => {
  test('at one of its sites yes, at another no; a role without the permission nowhere', () => {
    const coordinator = { role: 'coordinator' as const, siteIds: [3, 7] };
    assert.equal(canAtSite(coordinator, 'records:write', 3), true);
    assert.equal(canAtSite(coordinator, 'records:write', 7), true);
    assert.equal(canAtSite(coordinator, 'records:write', 4), false);
    assert.equal(canAtSite(coordinator, 'ae:acknowledge', 3), false);
    assert.equal(canAtSite({ ...coordinator, scopes: ['read'] }, 'records:write', 3), false);
  });
});

describe('audit "via" (security review L4)', () => {
  test('cli with its operator; ui and api as they are; cli without an operator is cli', () => {
    assert.equal(viaOf({ via: 'cli', operator: 'alice' }), 'cli:alice');
    assert.equal(viaOf({ via: 'cli' }), 'cli');
    assert.equal(viaOf({ via: 'cli', operator: '' }), 'cli');
    assert.equal(viaOf({ via: 'ui', operator: 'alice' }), 'ui');
    assert.equal(viaOf({ via: 'api', operator: 'alice' }), 'api');
  });
});
