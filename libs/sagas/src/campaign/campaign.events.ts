import type { Event } from '@lifecycle/domain';
import type { CampaignDefinition } from './campaign-definition';

/** A campaign's own stream (`campaignStreamId`): its definition and every change of status, with who and when. */
export type CampaignCreated = Event<'CampaignCreated', { campaignId: string; definition: CampaignDefinition; by: string; at: string }>;
export type CampaignStarted = Event<'CampaignStarted', { campaignId: string; by: string; at: string }>;
export type CampaignPaused = Event<'CampaignPaused', { campaignId: string; by: string; at: string }>;
export type CampaignResumed = Event<'CampaignResumed', { campaignId: string; by: string; at: string }>;
export type CampaignStopped = Event<'CampaignStopped', { campaignId: string; by: string; at: string }>;

export type CampaignEvent = CampaignCreated | CampaignStarted | CampaignPaused | CampaignResumed | CampaignStopped;

export const CAMPAIGN_EVENT_TYPES: readonly CampaignEvent['type'][] = [
  'CampaignCreated', 'CampaignStarted', 'CampaignPaused', 'CampaignResumed', 'CampaignStopped',
];

export const campaignStreamId = (campaignId: string): string => `campaign-${campaignId}`;
