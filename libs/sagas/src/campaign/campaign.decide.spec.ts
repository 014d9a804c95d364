import { DeciderSpec } from '@lifecycle/domain/testing/decider-spec';
import { threeStageDefinition as definition } from '../testing/winback-fixtures';
import { campaignDecider } from './campaign.decide';
import type { CampaignEvent } from './campaign.events';

const now = '2026-11-23T10:00:00.000Z';
const spec = DeciderSpec.for(campaignDecider, { now, actor: 'ops-anna' });
const campaignId = 'spring';
const created: CampaignEvent = { type: 'CampaignCreated', data: { campaignId, definition, by: 'ops-bob', at: '2026-11-20T09:00:00.000Z' } };
const started: CampaignEvent = { type: 'CampaignStarted', data: { campaignId, by: 'ops-bob', at: '2026-11-21T09:00:00.000Z' } };
const paused: CampaignEvent = { type: 'CampaignPaused', data: { campaignId, by: 'ops-bob', at: '2026-11-22T09:00:00.000Z' } };
const stopped: CampaignEvent = { type: 'CampaignStopped', data: { campaignId, by: 'ops-bob', at: '2026-11-22T10:00:00.000Z' } };

describe('campaign decider', () => {
  it('creates a campaign, recording who and when', () =>
    spec.given([]).when({ type: 'CreateCampaign', data: { campaignId, definition } }).then([
      { type: 'CampaignCreated', data: { campaignId, definition, by: 'ops-anna', at: now } },
    ]));

  it('answers a repeated create with the same definition as the first time', () =>
    spec.given([created]).when({ type: 'CreateCampaign', data: { campaignId, definition } }).thenNothingHappens());

  it('refuses a create with another definition under the same id (409)', () => {
    spec.given([created]).when({ type: 'CreateCampaign', data: { campaignId, definition: { ...definition, holdoutShare: 0.2 } } })
      .thenThrows('CAMPAIGN.ALREADY_EXISTS', 'conflict');
  });

  it('starts, pauses, resumes and stops, each with who and when', () => {
    spec.given([created]).when({ type: 'StartCampaign', data: { campaignId } }).then([{ type: 'CampaignStarted', data: { campaignId, by: 'ops-anna', at: now } }]);
    spec.given([created, started]).when({ type: 'PauseCampaign', data: { campaignId } }).then([{ type: 'CampaignPaused', data: { campaignId, by: 'ops-anna', at: now } }]);
    spec.given([created, started, paused]).when({ type: 'ResumeCampaign', data: { campaignId } }).then([{ type: 'CampaignResumed', data: { campaignId, by: 'ops-anna', at: now } }]);
    spec.given([created, started, paused]).when({ type: 'StopCampaign', data: { campaignId } }).then([{ type: 'CampaignStopped', data: { campaignId, by: 'ops-anna', at: now } }]);
  });

  it('treats asking for the current status again as done (a retried request)', () => {
    spec.given([created, started]).when({ type: 'StartCampaign', data: { campaignId } }).thenNothingHappens();
    spec.given([created, started, paused]).when({ type: 'PauseCampaign', data: { campaignId } }).thenNothingHappens();
  });

  it('refuses transitions the status does not allow (422)', () => {
    spec.given([created]).when({ type: 'PauseCampaign', data: { campaignId } }).thenThrows('CAMPAIGN.INVALID_TRANSITION', 'rejected');
    spec.given([created, started, stopped]).when({ type: 'ResumeCampaign', data: { campaignId } }).thenThrows('CAMPAIGN.INVALID_TRANSITION', 'rejected');
    spec.given([created, stopped]).when({ type: 'StartCampaign', data: { campaignId } }).thenThrows('CAMPAIGN.INVALID_TRANSITION', 'rejected');
  });

  it('does not know a campaign never created (404)', () => {
    spec.given([]).when({ type: 'StartCampaign', data: { campaignId } }).thenThrows('CAMPAIGN.NOT_FOUND', 'not-found');
  });

  it('keeps the history of status changes', () => {
    const state = [created, started, paused].reduce(campaignDecider.evolve, campaignDecider.initialState());
    expect(state.status).toBe('paused');
    expect(state.history.map((h) => [h.status, h.by])).toEqual([['draft', 'ops-bob'], ['running', 'ops-bob'], ['paused', 'ops-bob']]);
  });
});
