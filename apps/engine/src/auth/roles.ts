/**
 * Who may do what. Roles are what API keys carry; permissions are what routes require.
 * `pii:read` is the only way to see personal fields in clear, and every such read is logged.
 */
export const ROLES = ['ingest', 'analyst', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'customers:write',
  'customers:read',
  'customers:erase',
  'events:read',
  'pii:read',
  'ops:run',
  'loyalty:adjust',
  'clock:tick',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  ingest: ['customers:write'],
  analyst: ['customers:read', 'events:read'],
  // loyalty:adjust: points and coupons granted by hand (customer service, campaigns), never by upstream systems.
  ops: ['customers:read', 'ops:run', 'loyalty:adjust'],
  // clock:tick moves loyalty time forward for everyone (expiry, reviews, rewards): admin only.
  admin: PERMISSIONS,
};

export interface Actor {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
}

export const actorFor = (name: string, roles: readonly Role[]): Actor => ({
  name,
  roles,
  permissions: new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r])),
});
