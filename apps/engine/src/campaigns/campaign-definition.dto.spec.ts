import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ApiError } from '../errors/api-error';
import { parseCampaignDefinition } from './campaign-definition.dto';

const example = () => parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'campaigns', 'winback.yaml'), 'utf8')) as Record<string, unknown>;

const refusal = (raw: unknown): ApiError => {
  try {
    parseCampaignDefinition(raw);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('accepted');
};

describe('campaign definition', () => {
  it('reads the shipped example: dormant customers, three stages, 10% holdout', () => {
    const d = parseCampaignDefinition(example());
    expect(d.eligibility).toEqual({ enteredStage: 'dormant' });
    expect(d.holdoutShare).toBe(0.1);
    expect(d.stages.map((s) => s.action.kind)).toEqual(['message', 'callback', 'gift']);
    expect(d.stages[0]!.action).toMatchObject({ coupon: { offer: { kind: 'amount-off', amountOff: 500 }, validDays: 30 } });
  });

  it('names every bad field (400)', () => {
    const raw = example();
    raw.holdoutShare = 0.9;
    (raw.stages as Record<string, unknown>[])[1]!.action = { kind: 'fax' };
    raw.surprise = true;
    const error = refusal(raw);
    expect(error.status).toBe(400);
    const fields = error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['holdoutShare', 'stages.1.action.kind', 'surprise']));
  });

  it('refuses stages due after the attribution window and a coupon in another currency (422)', () => {
    const raw = example();
    raw.attributionWindowDays = 20;
    const first = (raw.stages as { action: { coupon: { offer: Record<string, unknown> } } }[])[0]!;
    first.action.coupon.offer.currency = 'EUR';
    const error = refusal(raw);
    expect(error.status).toBe(422);
    expect(error.code).toBe('CAMPAIGN.INVALID_DEFINITION');
    // Stage 2 is due on day 14 (inside 20 days), stage 3 on day 30 (outside).
    expect(error.details.map((d) => d.field)).toEqual(['stages.0.action.coupon.offer.currency', 'stages.2.delayDays']);
  });

  it('needs a trigger', () => {
    const raw = example();
    raw.eligibility = { segments: ['At risk'] };
    expect(refusal(raw).details).toEqual([{ field: 'eligibility', reason: 'needs a trigger: enteredStage or churnWarning: true' }]);
  });
});
