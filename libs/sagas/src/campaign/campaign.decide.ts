import { conflict, type Decider, digestOf, notFound, rejected } from '@lifecycle/domain';
import type { CampaignDefinition } from './campaign-definition';
import type { CampaignEvent } from './campaign.events';

export type CampaignCommand =
  | { readonly type: 'CreateCampaign'; readonly data: { readonly campaignId: string; readonly definition: CampaignDefinition } }
  | { readonly type: 'StartCampaign' | 'PauseCampaign' | 'ResumeCampaign' | 'StopCampaign'; readonly data: { readonly campaignId: string } };

export type CampaignStatus = 'none' | 'draft' | 'running' | 'paused' | 'stopped';

export interface CampaignState {
  readonly status: CampaignStatus;
  readonly definition?: CampaignDefinition;
  readonly definitionDigest?: string;
  /** Every change of status, with who and when. */
  readonly history: readonly { readonly status: CampaignStatus; readonly by: string; readonly at: string }[];
}

export interface CampaignContext {
  readonly now: string;
  /** Who asks (the API key's name): recorded with every change. */
  readonly actor: string;
}

export const CampaignErrorCode = {
  NOT_FOUND: 'CAMPAIGN.NOT_FOUND',
  ALREADY_EXISTS: 'CAMPAIGN.ALREADY_EXISTS',
  INVALID_TRANSITION: 'CAMPAIGN.INVALID_TRANSITION',
} as const;

const initialState = (): CampaignState => ({ status: 'none', history: [] });

function evolve(state: CampaignState, event: CampaignEvent): CampaignState {
  const record = (status: CampaignStatus): CampaignState => ({ ...state, status, history: [...state.history, { status, by: event.data.by, at: event.data.at }] });
  switch (event.type) {
    case 'CampaignCreated':
      return { ...record('draft'), definition: event.data.definition, definitionDigest: digestOf(event.data.definition) };
    case 'CampaignStarted':
    case 'CampaignResumed':
      return record('running');
    case 'CampaignPaused':
      return record('paused');
    case 'CampaignStopped':
      return record('stopped');
  }
}

/** From which statuses each command may go; anything else is a 422 naming both. */
const ALLOWED: Record<Exclude<CampaignCommand['type'], 'CreateCampaign'>, { from: readonly CampaignStatus[]; event: CampaignEvent['type']; to: CampaignStatus }> = {
  StartCampaign: { from: ['draft'], event: 'CampaignStarted', to: 'running' },
  PauseCampaign: { from: ['running'], event: 'CampaignPaused', to: 'paused' },
  ResumeCampaign: { from: ['paused'], event: 'CampaignResumed', to: 'running' },
  StopCampaign: { from: ['draft', 'running', 'paused'], event: 'CampaignStopped', to: 'stopped' },
};

function decide(command: CampaignCommand, state: CampaignState, { now, actor }: CampaignContext): readonly CampaignEvent[] {
  const { campaignId } = command.data;
  if (command.type === 'CreateCampaign') {
    if (state.status === 'none') return [{ type: 'CampaignCreated', data: { campaignId, definition: command.data.definition, by: actor, at: now } }];
    // Creating again with the same definition answers as the first time; another definition is a conflict.
    if (state.definitionDigest === digestOf(command.data.definition)) return [];
    throw conflict(CampaignErrorCode.ALREADY_EXISTS, `campaign ${campaignId} exists with another definition`, { field: 'campaignId' });
  }
  if (state.status === 'none') throw notFound(CampaignErrorCode.NOT_FOUND, `no campaign ${campaignId}`, { field: 'campaignId' });
  const rule = ALLOWED[command.type];
  // Asking for the status the campaign already has changes nothing (a retried request).
  if (state.status === rule.to) return [];
  if (!rule.from.includes(state.status)) {
    throw rejected(CampaignErrorCode.INVALID_TRANSITION, `campaign ${campaignId} is ${state.status}: cannot ${command.type.replace('Campaign', '').toLowerCase()}`, {
      field: 'status', status: state.status,
    });
  }
  return [{ type: rule.event, data: { campaignId, by: actor, at: now } } as CampaignEvent];
}

export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState, CampaignContext> = { initialState, evolve, decide };
