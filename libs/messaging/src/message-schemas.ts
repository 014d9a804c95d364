import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import common from '../schemas/v1/common.schema.json';
import interaction from '../schemas/v1/interaction.schema.json';
import purchase from '../schemas/v1/purchase.schema.json';
import redemption from '../schemas/v1/redemption.schema.json';
import refund from '../schemas/v1/refund.schema.json';
import registration from '../schemas/v1/registration.schema.json';
import type { IngestKind } from './ingest-topics';

/** Whether a message body meets its published v1 JSON Schema. */
export type MessageSchemaCheck = (body: unknown) => boolean;

const SCHEMAS: Record<IngestKind, object> = { purchases: purchase, refunds: refund, interactions: interaction, registrations: registration, redemptions: redemption };

/**
 * The v1 schemas (libs/messaging/schemas/v1) compiled once into plain functions. They only say
 * yes or no, and stop at the first miss: the ingest asks them first because a compiled check costs
 * a few microseconds where the DTO decorators cost tens, and asks the DTOs only for the messages
 * they refuse, to name each bad field the same way the HTTP API does.
 */
export function compileMessageSchemas(): Readonly<Record<IngestKind, MessageSchemaCheck>> {
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats(ajv, ['email']);
  ajv.addSchema(common);
  const compiled = Object.fromEntries(
    Object.entries(SCHEMAS).map(([kind, schema]) => {
      const validate = ajv.compile(schema);
      return [kind, (body: unknown) => validate(body) === true];
    }),
  );
  return compiled as Record<IngestKind, MessageSchemaCheck>;
}
