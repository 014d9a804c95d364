import type { IntegrationSource } from '@lifecycle/domain';
import { winbackActionsSource } from '@lifecycle/sagas';

/**
 * The sources of integration messages beyond the customer and loyalty rules of the outbox fold.
 * Each is one file (a pure `IntegrationSource`) and one line here: `winback.actions` from the
 * win-back sagas' delivered stages (libs/sagas).
 */
export const INTEGRATION_SOURCES: readonly IntegrationSource[] = [winbackActionsSource];
