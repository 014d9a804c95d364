import { createHash, timingSafeEqual } from 'node:crypto';
import { actorFor, type Actor, type Role } from './roles';

export interface ApiKeyGrant {
  readonly name: string;
  readonly key: string;
  readonly roles: readonly Role[];
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/** Resolves a presented `x-api-key` to an actor. Keys are compared by hash, in constant time. */
export class ApiKeys {
  private readonly grants: { digest: Buffer; actor: Actor }[];

  constructor(grants: readonly ApiKeyGrant[]) {
    this.grants = grants.map((g) => ({ digest: digest(g.key), actor: actorFor(g.name, g.roles) }));
  }

  resolve(presented: string): Actor | null {
    const d = digest(presented);
    // No early exit: every grant is compared, so timing does not tell how many keys exist or which matched.
    let found: Actor | null = null;
    for (const grant of this.grants) if (timingSafeEqual(grant.digest, d)) found = grant.actor;
    return found;
  }
}
