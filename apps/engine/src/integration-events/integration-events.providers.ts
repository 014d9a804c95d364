import type { Provider } from '@nestjs/common';
import { InProcessIntegrationBus } from '@lifecycle/messaging/integration-events';
import { IntegrationEventsHost } from './integration-events.host';

/** For AppModule: the in-process bus (always there, so in-process subscribers can take it) and the host. */
export const integrationEventsProviders = (): Provider[] => [
  { provide: InProcessIntegrationBus, useValue: new InProcessIntegrationBus() },
  IntegrationEventsHost,
];
