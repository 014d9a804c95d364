import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  type AnyIntegrationMessage, DEFAULT_LIFECYCLE_THRESHOLDS, deriveOutboxBatch, INTEGRATION_MESSAGE_TYPES, integrationMessage, type IntegrationMessageType,
  type IntegrationSource, type SourceEvent,
} from '@lifecycle/domain';
import { CUSTOMER, evt } from '@lifecycle/domain/testing/customer-fixtures';
import { levt } from '@lifecycle/domain/testing/loyalty-fixtures';

/**
 * The JSON Schemas published for consumers (libs/messaging/schemas/v1/integration-events) accept
 * every message the outbox derives, refuse what breaks the contract, and the README's examples pass.
 */
const SCHEMAS = join(__dirname, '../../schemas/v1/integration-events');
const README = join(__dirname, '../../../../README.md');
const FILE: Record<IntegrationMessageType, string> = {
  'customer.lifecycle': 'customer-lifecycle', 'customer.tier': 'customer-tier', 'loyalty.points': 'loyalty-points',
  'customer.messages': 'customer-messages', 'winback.actions': 'winback-actions',
};
const schema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['uuid']);
ajv.addSchema(schema('envelope'));
const validators = Object.fromEntries(INTEGRATION_MESSAGE_TYPES.map((t) => [t, ajv.compile(schema(FILE[t]))]));
const check = (m: unknown) => {
  const validate = validators[(m as { type: IntegrationMessageType }).type];
  if (!validate) return ['unknown type'];
  return validate(m) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
type Plain = { readonly type: string; readonly data: object };
const log = (events: readonly Plain[]): SourceEvent[] => events.map((e, i) => ({
  id: uuid(i + 1), type: e.type, data: e.data, position: { tx: 9n, pos: BigInt(i + 1) }, recordedAt: '2024-06-01T12:00:00.000Z',
  streamId: e.type === 'ClockTicked' ? 'clock' : `customer-${(e.data as { customerId: string }).customerId}`,
}));

const everything = deriveOutboxBatch({ clock: null, customers: new Map() }, log([
  evt.registered(), evt.purchased(), levt.earned(), levt.tierChanged(), levt.redeemed(), levt.clawedBack(),
  levt.adjusted({ points: -20 }), levt.warned(), levt.expired(),
  { type: 'BirthdayRewarded', data: { customerId: CUSTOMER, year: 2024, celebratedOn: '2024-05-03', timeZone: 'UTC', points: 100, couponId: 'birthday:2024', rewardedAt: '2024-05-03T00:00:00.000Z', rulesVersion: 'r' } },
  levt.couponIssued({ couponId: 'birthday:2024', reason: 'birthday', offer: { kind: 'percent-off', percentOff: 15 } }),
  { type: 'BirthdayRewarded', data: { customerId: CUSTOMER, year: 2025, celebratedOn: '2025-05-03', timeZone: 'UTC', points: 100, rewardedAt: '2025-05-03T00:00:00.000Z', rulesVersion: 'r' } },
  { type: 'ClockTicked', data: { at: '2026-01-01T00:00:00.000Z' } },
  evt.erased('2026-02-01T00:00:00.000Z'),
]), DEFAULT_LIFECYCLE_THRESHOLDS).messages;

/** What a win-back source would derive from a saga's stage event: built with the same envelope helper. */
const stageEvent: SourceEvent = {
  id: uuid(99), type: 'WinbackStageReached', streamId: 'winback-spring-c-ada', position: { tx: 9n, pos: 99n }, recordedAt: '2024-06-01T12:00:00.000Z',
  data: { campaignId: 'spring', customerId: CUSTOMER, episode: 1, stage: 1, stageName: 'we miss you', at: '2024-06-01T12:00:00.000Z', actionId: 'spring:c-ada:1:1' },
};
const winbackSource: IntegrationSource = {
  name: 'winback-test',
  handles: ['WinbackStageReached'],
  derive: (e) => {
    const d = e.data as { campaignId: string; customerId: string; episode: number; stage: number; stageName: string; at: string; actionId: string };
    return [integrationMessage('winback.actions', e, d.customerId, d.at, {
      campaignId: d.campaignId, episode: d.episode, stage: d.stage, stageName: d.stageName, actionId: d.actionId, kind: 'message', channel: 'email',
      templateId: 'we-miss-you', couponId: 'winback:spring', cost: 5, at: d.at,
    }, d.actionId)];
  },
};
const [winback] = deriveOutboxBatch({ clock: null, customers: new Map() }, [stageEvent], DEFAULT_LIFECYCLE_THRESHOLDS, [winbackSource]).messages;

describe('integration message schemas, version 1', () => {
  it('the outbox derives every type, and every points kind and programme, from the sample log', () => {
    expect(new Set(everything.map((m) => m.type))).toEqual(new Set(['customer.lifecycle', 'customer.tier', 'loyalty.points', 'customer.messages']));
    expect(new Set(everything.filter((m) => m.type === 'loyalty.points').map((m) => (m.payload as { kind: string }).kind)))
      .toEqual(new Set(['earned', 'redeemed', 'expired', 'adjusted', 'clawed_back', 'expiry_warning']));
    expect(everything.filter((m) => m.type === 'customer.messages').map((m) => (m.payload as { programme: string }).programme).sort())
      .toEqual(['birthday-greeting', 'birthday-greeting', 'points-expiry-warning']);
  });

  it('a further source (one file: the win-back sagas\' later) adds its messages, keyed by its own action id', () => {
    expect(winback).toEqual(expect.objectContaining({ type: 'winback.actions', customerId: CUSTOMER, idempotencyKey: `winback.actions:${uuid(99)}:spring:c-ada:1:1` }));
  });

  it('accepts every message the outbox derives, and a win-back action', () => {
    for (const m of [...everything, winback!]) expect({ key: m.idempotencyKey, errors: check(JSON.parse(JSON.stringify(m))) }).toEqual({ key: m.idempotencyKey, errors: [] });
  });

  const tier = everything.find((m) => m.type === 'customer.tier')!;
  it.each([
    ['no idempotency key', { ...tier, idempotencyKey: undefined }],
    ['another schema version', { ...tier, schemaVersion: 2 }],
    ['a position as a number', { ...tier, source: { ...tier.source, position: { tx: 9, pos: 4 } } }],
    ['an unknown field', { ...tier, extra: true }],
    ['a payload of another type', { ...tier, payload: everything.find((m) => m.type === 'loyalty.points')!.payload }],
    ['an unknown stage', { ...everything[0]!, payload: { ...everything[0]!.payload, to: 'sleeping' } }],
    ['an instant with an offset', { ...tier, occurredAt: '2024-02-01T11:00:00+01:00' }],
  ])('refuses a message with %s', (_, message) => {
    expect(check(JSON.parse(JSON.stringify(message)))).not.toEqual([]);
  });

  it('has a schema for each message type and the envelope, nothing else', () => {
    expect(readdirSync(SCHEMAS).sort()).toEqual([...Object.values(FILE), 'envelope'].map((n) => `${n}.schema.json`).sort());
  });

  it('the README examples are valid messages, one per type at least', () => {
    const readme = readFileSync(README, 'utf8');
    const examples = [...readme.matchAll(/<!-- integration example -->\s*```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as AnyIntegrationMessage);
    expect(new Set(examples.map((e) => e.type))).toEqual(new Set(INTEGRATION_MESSAGE_TYPES));
    for (const e of examples) expect({ key: e.idempotencyKey, errors: check(e) }).toEqual({ key: e.idempotencyKey, errors: [] });
  });
});
