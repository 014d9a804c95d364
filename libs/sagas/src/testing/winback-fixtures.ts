import type { CampaignDefinition } from '../campaign/campaign-definition';

/** The shape of examples/campaigns/winback.yaml: dormant customers, three stages, 10% holdout. */
export const threeStageDefinition: CampaignDefinition = {
  name: 'Win back the dormant',
  currency: 'USD',
  eligibility: { enteredStage: 'dormant' },
  holdoutShare: 0.1,
  stages: [
    {
      name: 'message with coupon', delayDays: 0, cost: 5,
      action: { kind: 'message', channel: 'email', templateId: 'winback-1', coupon: { offer: { kind: 'amount-off', amountOff: 500, minSpend: 2000, currency: 'USD' }, validDays: 30 } },
    },
    { name: 'service call-back', delayDays: 14, cost: 300, action: { kind: 'callback', queue: 'retention' } },
    { name: 'gift for the most valuable', delayDays: 16, cost: 1500, action: { kind: 'gift', sku: 'GIFT-BOX', onlyHighValue: true } },
  ],
  attributionWindowDays: 60,
  reentryAfterDays: 180,
  marginRate: 0.3,
};
