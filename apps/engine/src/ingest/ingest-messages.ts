import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { CustomerCommand } from '@lifecycle/domain';
import {
  compileMessageSchemas, type DeadLetterReason, type InboundMessage, type IngestKind, type IngestTopics, SCHEMA_VERSION,
  SCHEMA_VERSION_HEADER,
} from '@lifecycle/messaging';
import type { PersonalData } from '@lifecycle/privacy';
import { RecordInteractionDto } from '../customers/record-interaction/record-interaction.dto';
import { RecordPurchaseDto } from '../customers/record-purchase/record-purchase.dto';
import { RedeemPointsDto } from '../customers/redeem-points/redeem-points.dto';
import { RefundPurchaseDto } from '../customers/refund-purchase/refund-purchase.dto';
import { RegisterCustomerDto } from '../customers/register-customer/register-customer.dto';
import { UpstreamId } from '../customers/upstream-id';
import { validationDetails } from '../errors/validation';

/*
 * A Kafka message is the HTTP command body plus `customerId`. The message classes extend the HTTP
 * DTOs, so both doors validate with the very same decorators and cannot drift apart.
 */
export class PurchaseMessage extends RecordPurchaseDto {
  @UpstreamId('Customer id; also the message key', 'c-1001') customerId!: string;
}
export class RefundMessage extends RefundPurchaseDto {
  @UpstreamId('Customer id; also the message key', 'c-1001') customerId!: string;
}
export class InteractionMessage extends RecordInteractionDto {
  @UpstreamId('Customer id; also the message key', 'c-1001') customerId!: string;
}
export class RedemptionMessage extends RedeemPointsDto {
  @UpstreamId('Customer id; also the message key', 'c-1001') customerId!: string;
}
/** The registration body already carries customerId. */
export class RegistrationMessage extends RegisterCustomerDto {}

/** A message turned into the command the HTTP API would run. */
export interface DecodedMessage {
  readonly customerId: string;
  readonly command: CustomerCommand;
  /** Registrations: personal fields still in clear; the ingest seals them before deciding. */
  readonly personal?: PersonalData;
}

export type DecodeResult = ({ readonly ok: true } & DecodedMessage) | ({ readonly ok: false } & DeadLetterReason);

/** Same options as the HTTP StrictValidationPipe: unknown fields are refused, every bad field named. */
const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };
const utf8 = new TextDecoder('utf-8', { fatal: true });
/*
 * The published v1 schemas accept exactly what the DTOs and the domain's field checks accept
 * (message-schemas.spec.ts holds them to that), so a body they pass skips the decorators, which
 * cost most of the decoding; a body they refuse goes through the decorators for the field-by-field
 * reason (or, when only the domain's checks refuse it, on to decide, which names its own code).
 */
const SCHEMAS = compileMessageSchemas();

/** `dto-only` skips the schema pass: the reference the schema-first path is tested against. */
export type Validation = 'schema-first' | 'dto-only';

export const DecodeCode = {
  MALFORMED_JSON: 'REQUEST.MALFORMED_JSON',
  VALIDATION_FAILED: 'REQUEST.VALIDATION_FAILED',
  KEY_MISMATCH: 'MESSAGE.KEY_MISMATCH',
  UNSUPPORTED_VERSION: 'MESSAGE.UNSUPPORTED_VERSION',
  UNKNOWN_TOPIC: 'MESSAGE.UNKNOWN_TOPIC',
} as const;

const refuse = (code: string, reason: string): DecodeResult => ({ ok: false, code, reason });

/** Which kind of message each configured topic carries. */
export const topicKinds = (topics: IngestTopics): ReadonlyMap<string, IngestKind> =>
  new Map<string, IngestKind>([
    [topics.purchases, 'purchases'],
    [topics.refunds, 'refunds'],
    [topics.interactions, 'interactions'],
    [topics.registrations, 'registrations'],
    [topics.redemptions, 'redemptions'],
  ]);

/**
 * Envelope (schema version, JSON object), then the DTO rules, then the key: it must be the
 * customer id, or the customer's messages could land in several partitions and lose their order.
 */
export function decodeIngestMessage(message: InboundMessage, kinds: ReadonlyMap<string, IngestKind>, validation: Validation = 'schema-first'): DecodeResult {
  const kind = kinds.get(message.topic);
  if (kind === undefined) return refuse(DecodeCode.UNKNOWN_TOPIC, `topic ${message.topic} is not an ingest topic`);
  const version = message.headers[SCHEMA_VERSION_HEADER];
  if (version !== undefined && version !== SCHEMA_VERSION) {
    return refuse(DecodeCode.UNSUPPORTED_VERSION, `${SCHEMA_VERSION_HEADER} ${version}: this engine reads version ${SCHEMA_VERSION}`);
  }
  const body = parseBody(message.value);
  if (!body.ok) return refuse(DecodeCode.MALFORMED_JSON, body.reason);
  const decoded = validate(kind, body.value, message, validation === 'schema-first' && SCHEMAS[kind](body.value));
  if (!decoded.ok) return decoded;
  const key = message.key === null ? null : message.key.toString('utf8');
  if (key !== decoded.customerId) {
    return refuse(DecodeCode.KEY_MISMATCH, `the message key must be the customerId ${decoded.customerId}, not ${key === null ? 'absent' : JSON.stringify(key)}`);
  }
  return decoded;
}

function parseBody(value: Buffer | null): { ok: true; value: object } | { ok: false; reason: string } {
  if (value === null || value.length === 0) return { ok: false, reason: 'the message has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(value));
  } catch (error) {
    return { ok: false, reason: `the value is not UTF-8 JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'the value must be a JSON object' };
  return { ok: true, value: parsed };
}

function validate(kind: IngestKind, body: object, message: InboundMessage, schemaValid: boolean): DecodeResult {
  switch (kind) {
    case 'purchases': {
      const m = checked(PurchaseMessage, body, schemaValid);
      return m.ok ? { ok: true, customerId: m.value.customerId, command: { type: 'RecordPurchase', data: m.value } } : m;
    }
    case 'refunds': {
      const m = checked(RefundMessage, body, schemaValid);
      return m.ok ? { ok: true, customerId: m.value.customerId, command: { type: 'RefundPurchase', data: m.value } } : m;
    }
    case 'interactions': {
      const m = checked(InteractionMessage, body, schemaValid);
      return m.ok ? { ok: true, customerId: m.value.customerId, command: { type: 'RecordInteraction', data: m.value } } : m;
    }
    case 'redemptions': {
      const m = checked(RedemptionMessage, body, schemaValid);
      if (!m.ok) return m;
      // Over HTTP a redemption without occurredAt happened "now"; on Kafka the closest to that is
      // when the producer sent it, not when the ingest got to it (which may be hours later).
      const occurredAt = m.value.occurredAt ?? producedAt(message);
      return { ok: true, customerId: m.value.customerId, command: { type: 'RedeemPoints', data: { ...m.value, occurredAt } } };
    }
    case 'registrations': {
      const m = checked(RegistrationMessage, body, schemaValid);
      if (!m.ok) return m;
      // As RegisterCustomerHandler: the personal fields leave the facts and get sealed.
      const { name, email, phone, birthday, ...facts } = m.value;
      return { ok: true, customerId: facts.customerId, command: { type: 'RegisterCustomer', data: facts }, personal: { name, email, phone, birthday } };
    }
    default: {
      const unknown: never = kind;
      return refuse(DecodeCode.UNKNOWN_TOPIC, `no message kind ${String(unknown)}`);
    }
  }
}

const producedAt = (message: InboundMessage): string | undefined => {
  const ms = Number(message.timestamp);
  return Number.isSafeInteger(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
};

function checked<T extends object>(type: new () => T, body: object, schemaValid: boolean): { ok: true; value: T } | ({ ok: false } & DeadLetterReason) {
  // The domain builds its events field by field, so the plain body decides exactly what the DTO
  // instance would (the spec compares the decided events byte for byte), without the conversion.
  if (schemaValid) return { ok: true, value: body as T };
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, VALIDATION);
  if (errors.length === 0) return { ok: true, value: instance };
  const details = validationDetails(errors);
  return { ok: false, code: DecodeCode.VALIDATION_FAILED, reason: details.map((d) => (d.field ? `${d.field}: ${d.reason}` : d.reason)).join('; ') };
}
