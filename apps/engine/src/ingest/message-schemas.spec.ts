import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { CurrencyCodes } from 'validator/lib/isISO4217';
import { type CustomerCommand, decide, DomainError, ErrorCode, initialState } from '@lifecycle/domain';
import { DEFAULT_INGEST_TOPICS, type IngestKind } from '@lifecycle/messaging';
import { loadLoyaltyRules } from '../rules/load-loyalty-rules';
import { decodeIngestMessage, topicKinds, type Validation } from './ingest-messages';

/**
 * The JSON Schemas published for producers (libs/messaging/schemas/v1, shown in the README) must
 * accept exactly the messages the ingest accepts: the HTTP DTOs plus customerId, and the domain's
 * own field checks (an instant it can read, a currency it knows, a survey's scores). Rules that
 * need the customer's history (an unknown order, a refund larger than paid) are not the schema's.
 */
const SCHEMAS = join(__dirname, '../../../../libs/messaging/schemas/v1');
const README = join(__dirname, '../../../../libs/messaging/README.md');
const schemaFile = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['email']);
ajv.addSchema(schemaFile('common'));

const KINDS: Record<IngestKind, string> = {
  purchases: 'purchase', refunds: 'refund', interactions: 'interaction', registrations: 'registration', redemptions: 'redemption',
};
const validators = Object.fromEntries(Object.entries(KINDS).map(([kind, name]) => [kind, ajv.compile(schemaFile(name))])) as Record<IngestKind, ReturnType<typeof ajv.compile>>;

// The refusals that are about a message's own fields, whatever the customer's history.
const SHAPE = new Set<string>([
  ErrorCode.INVALID_ID, ErrorCode.INVALID_TIME, ErrorCode.INVALID_FIELD, ErrorCode.INVALID_AMOUNT, ErrorCode.UNKNOWN_CURRENCY,
  ErrorCode.INVALID_ITEM, ErrorCode.REFUND_INVALID_AMOUNT, ErrorCode.UNKNOWN_INTERACTION_KIND, ErrorCode.INVALID_SCORE, ErrorCode.INVALID_POINTS,
]);
const rules = loadLoyaltyRules(join(__dirname, '../../../../config/loyalty-rules.yaml'));
const kinds = topicKinds(DEFAULT_INGEST_TOPICS);

const decodeBody = (kind: IngestKind, body: unknown, validation: Validation) =>
  decodeIngestMessage({
    topic: DEFAULT_INGEST_TOPICS[kind], partition: 0, offset: '0', key: Buffer.from(String((body as { customerId?: unknown }).customerId)),
    value: Buffer.from(JSON.stringify(body)), headers: {}, timestamp: String(Date.parse('2024-03-10T00:00:00Z')),
  }, kinds, validation);

const decidedJson = (command: CustomerCommand): string => {
  try {
    return JSON.stringify(decide(command, initialState(), { now: '2024-03-10T00:00:00.000Z', rules }));
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
};

// The reference is the DTO-only decode: the ingest's default asks these very schemas first.
function ingestAccepts(kind: IngestKind, body: unknown): boolean {
  const decoded = decodeBody(kind, body, 'dto-only');
  if (!decoded.ok) return false;
  try {
    decide(decoded.command, initialState(), { now: '2024-03-10T00:00:00.000Z', rules });
    return true;
  } catch (error) {
    if (error instanceof DomainError) return !SHAPE.has(error.code);
    throw error;
  }
}
const schemaAccepts = (kind: IngestKind, body: unknown): boolean => validators[kind](body) === true;

const VALID: Record<IngestKind, Record<string, unknown>[]> = {
  purchases: [
    { customerId: 'c-1', orderId: 'o-1', amount: 4999, currency: 'EUR', occurredAt: '2024-03-01T10:15:00Z' },
    { customerId: 'c-1', orderId: 'o:1.2_3-4', amount: 0, currency: 'JPY', occurredAt: '2024-03-01', items: [{ sku: 'S', category: 'books', quantity: 2, amount: 10 }], paymentMethod: 'card', couponCode: 'SPRING10', couponId: 'cp-1' },
    { customerId: 'c-1', orderId: 'o-1', amount: 1, currency: 'USD', occurredAt: '2024-02-29T23:59:59.123456789+05:30', items: null, paymentMethod: null },
  ],
  refunds: [{ customerId: 'c-1', refundId: 'r-1', orderId: 'o-1', amount: 1500, occurredAt: '2024-03-04T08:00:00Z' }],
  interactions: [
    { customerId: 'c-1', interactionId: 'i-1', kind: 'email_open', occurredAt: '2024-03-05T12:00:00Z' },
    { customerId: 'c-1', interactionId: 'i-2', kind: 'survey', satisfaction: 5, nps: 10, channel: 'email', occurredAt: '2024-03-05T12:00' },
    { customerId: 'c-1', interactionId: 'i-3', kind: 'survey', nps: 0, satisfaction: null, occurredAt: '2024-03-05' },
  ],
  registrations: [
    { customerId: 'c-1', registeredAt: '2024-01-05T09:00:00Z', channel: 'web' },
    { customerId: 'c-1', registeredAt: '2024-01-05T09:00:00Z', channel: 'store', referrerId: 'c-0', name: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 20 7946 0958', birthday: '1990-12-10' },
  ],
  redemptions: [
    { customerId: 'c-1', redemptionId: 'rd-1', points: 500, rewardId: 'tote-bag' },
    { customerId: 'c-1', redemptionId: 'rd-2', points: 1, rewardId: 'mug', occurredAt: '2024-03-06T10:00:00Z' },
  ],
};

// Values that probe each rule's edges: types, lengths, blanks, calendars, offsets, codes.
const PROBES: unknown[] = [
  null, '', ' ', 'x', 'c-1', 'a b', 'o:1.2_3-4', 'x'.repeat(50), 'x'.repeat(51), 'x'.repeat(100), 'x'.repeat(101), 'x'.repeat(201),
  0, 1, -1, 1.5, 5, 6, 10, 11, 1_000_000, 1_000_001, 9007199254740991, 9007199254740992, true, [], {},
  [{ sku: 'S', quantity: 1, amount: 1 }], [{ sku: '', quantity: 1, amount: 1 }], [{ sku: 'S', quantity: 0, amount: 1 }],
  [{ sku: 'S', quantity: 1, amount: 1, colour: 'red' }], [{ sku: 'S', category: '', quantity: 1, amount: 1 }], [5], [null],
  'EUR', 'eur', 'XXX', 'XAU', 'USN', 'EURO',
  '2024-03-01', '2024-03-01T10:15:00Z', '2024-03-01T10:15', '2024-03-01T10', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z',
  '2000-02-29', '1900-02-29', '2024-04-31', '2024-03-01T10:00+01', '2024-03-01T10:00+01:00', '2024-03-01T10:00+0100', '2024-03-01T24:00',
  '2024-03-01T10:15:00z', '2024-03-01 10:15', '2024-W09', '20240301', '0999-01-01', '2024-03-01T10:15:00.1234567891Z', '2024-03-01T10:15:00,5Z',
  'email_open', 'survey', 'complaint', 'unknown_kind', 'ada@example.org', 'a@b', 'nope', '1990-12-10', '1990-13-10', '1990-02-30',
  '+44 20 7946 0958', '12', 'phone!',
];
const FIELDS: Record<IngestKind, string[]> = {
  purchases: ['customerId', 'orderId', 'amount', 'currency', 'occurredAt', 'items', 'paymentMethod', 'couponCode', 'couponId', 'shoeSize'],
  refunds: ['customerId', 'refundId', 'orderId', 'amount', 'occurredAt', 'currency'],
  interactions: ['customerId', 'interactionId', 'kind', 'channel', 'occurredAt', 'satisfaction', 'nps'],
  registrations: ['customerId', 'registeredAt', 'channel', 'referrerId', 'birthday', 'name', 'email', 'phone', 'personal'],
  redemptions: ['customerId', 'redemptionId', 'points', 'rewardId', 'occurredAt'],
};

describe('message JSON Schemas (v1) against the ingest validation', () => {
  describe.each(Object.keys(KINDS) as IngestKind[])('%s', (kind) => {
    it('accepts the documented valid messages, as the ingest does', () => {
      for (const body of VALID[kind]) {
        expect({ body, ingest: ingestAccepts(kind, body) }).toEqual({ body, ingest: true });
        expect({ body, schema: schemaAccepts(kind, body), errors: validators[kind].errors }).toEqual({ body, schema: true, errors: null });
      }
    });

    it('agrees with the ingest on every probe of every field', () => {
      for (const base of VALID[kind]) {
        for (const field of FIELDS[kind]) {
          const variants = [...PROBES.map((value) => ({ ...base, [field]: value })), Object.fromEntries(Object.entries(base).filter(([k]) => k !== field))];
          for (const body of variants) expect({ body, schema: schemaAccepts(kind, body) }).toEqual({ body, schema: ingestAccepts(kind, body) });
        }
      }
    });

    it('decodes schema-first exactly as with the DTOs alone: the same command, or the same code and field reasons', () => {
      for (const base of VALID[kind]) {
        for (const field of FIELDS[kind]) {
          for (const value of PROBES) {
            const body = { ...base, [field]: value };
            const fast = decodeBody(kind, body, 'schema-first');
            const reference = decodeBody(kind, body, 'dto-only');
            expect({ body, decoded: fast }).toEqual({ body, decoded: reference });
            // And the same events, key order included: they are what gets stored.
            if (fast.ok && reference.ok) expect({ body, events: decidedJson(fast.command) }).toEqual({ body, events: decidedJson(reference.command) });
          }
        }
      }
    });

    it('agrees with the ingest on random combinations of probes', () => {
      const edit = fc.tuple(fc.constantFrom(...FIELDS[kind]), fc.option(fc.constantFrom(...PROBES), { nil: undefined }));
      fc.assert(
        fc.property(fc.constantFrom(...VALID[kind]), fc.array(edit, { minLength: 2, maxLength: 4 }), (base, edits) => {
          const body: Record<string, unknown> = { ...base };
          for (const [field, value] of edits) if (value === undefined) delete body[field]; else body[field] = value;
          return schemaAccepts(kind, body) === ingestAccepts(kind, body);
        }),
        { numRuns: 300, seed: 20240301 },
      );
    });
  });

  it('lists as currencies exactly the ISO 4217 codes both the DTO and the domain accept', () => {
    const common = schemaFile('common') as { $defs: { currency: { enum: string[] } } };
    const known = new Set(Intl.supportedValuesOf('currency'));
    expect(common.$defs.currency.enum).toEqual([...CurrencyCodes].filter((c) => known.has(c)).sort());
  });

  it('shows every schema in the messaging README exactly as in its file', () => {
    const readme = readFileSync(README, 'utf8');
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
    expect(files.length).toBe(6);
    for (const file of files) {
      const block = new RegExp(`<!-- schema: ${file.replace(/\./g, '\\.')} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
      expect({ file, inReadme: block !== null }).toEqual({ file, inReadme: true });
      expect(JSON.parse(block![1]!)).toEqual(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));
    }
  });
});
