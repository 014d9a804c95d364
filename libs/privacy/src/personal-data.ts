/** The personal fields a customer may give. They only ever reach the log sealed. */
export interface PersonalData {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  /** YYYY-MM-DD */
  readonly birthday?: string;
}

export const PERSONAL_FIELDS = ['name', 'email', 'phone', 'birthday'] as const;

export const hasPersonalData = (p: PersonalData | undefined): p is PersonalData =>
  p !== undefined && PERSONAL_FIELDS.some((f) => p[f] !== undefined);

/** Canonical form: fixed key order, absent fields omitted, so equal facts give equal fingerprints. */
export const canonicalPersonalData = (p: PersonalData): string =>
  JSON.stringify(PERSONAL_FIELDS.filter((f) => p[f] !== undefined).map((f) => [f, p[f]]));
