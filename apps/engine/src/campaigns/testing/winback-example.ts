import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { holdoutGroup } from '@lifecycle/sagas';

/** The shipped example campaign (examples/campaigns/winback.yaml), as a request body's `definition`. */
export const winbackExample = (): Record<string, unknown> =>
  parse(readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'examples', 'campaigns', 'winback.yaml'), 'utf8')) as Record<string, unknown>;

/** The first id `<prefix>-<n>` that the campaign's holdout (10%) puts in `group`. */
export const customerIn = (campaignId: string, prefix: string, group: 'treated' | 'control'): string =>
  Array.from({ length: 500 }, (_, i) => `${prefix}-${i}`).find((id) => holdoutGroup(campaignId, id, 0.1) === group)!;
