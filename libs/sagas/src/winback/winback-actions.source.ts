import { type AnyIntegrationMessage, integrationMessage, type IntegrationSource, type SourceEvent, type WinbackActionPayload } from '@lifecycle/domain';
import type { WinbackStageReached } from './winback.events';

/**
 * `winback.actions` from the log: one message per stage actually delivered to a treated customer
 * (the control group's "would have been contacted" and skipped stages send nothing). The key
 * derives from the stage event's id, itself derived from (campaign, customer, episode, stage), so a
 * re-run after a crash sends the same key; the payload names the action id that delivery feedback
 * quotes back.
 */
export const winbackActionsSource: IntegrationSource = {
  name: 'winback-actions',
  handles: ['WinbackStageReached'],
  derive: (event: SourceEvent): readonly AnyIntegrationMessage[] => {
    const d = event.data as WinbackStageReached['data'];
    if (!d.delivered) return [];
    const a = d.action;
    const payload: WinbackActionPayload = {
      campaignId: d.campaignId,
      episode: d.episode,
      stage: d.stage,
      stageName: d.stageName,
      actionId: d.actionId,
      kind: a.kind,
      ...(a.kind === 'message' && { channel: a.channel, templateId: a.templateId }),
      ...(d.couponId !== undefined && { couponId: d.couponId }),
      ...(a.kind === 'callback' && { queue: a.queue }),
      ...(a.kind === 'gift' && { sku: a.sku }),
      cost: d.cost,
      at: d.at,
    };
    return [integrationMessage('winback.actions', event, d.customerId, d.at, payload)];
  },
};
