import { ConfigError, loadEngineConfig } from '../config/engine-config';
import { integrationTopicsOf } from './integration-events.config';
import { runsIntegrationEvents } from './integration-events.host';

describe('integration events configuration', () => {
  it('defaults: on, a week of maximum age, each message type on the topic of its name', () => {
    const config = loadEngineConfig({});
    expect(config.integrationEvents).toEqual(expect.objectContaining({ enabled: 'on', maxAgeHours: 168, batchSize: 500 }));
    expect(integrationTopicsOf(config.integrationEvents.topics)).toEqual({
      'customer.lifecycle': 'customer.lifecycle', 'customer.tier': 'customer.tier', 'loyalty.points': 'loyalty.points',
      'customer.messages': 'customer.messages', 'winback.actions': 'winback.actions',
    });
  });

  it('reads INTEGRATION_* and the KAFKA_TOPIC_* names of the integration topics', () => {
    const config = loadEngineConfig({ INTEGRATION_EVENTS: 'off', INTEGRATION_MAX_AGE_HOURS: '24', KAFKA_TOPIC_TIER: 'crm.tier', KAFKA_TOPIC_MESSAGES: 'crm.messages' });
    expect(config.integrationEvents.enabled).toBe('off');
    expect(config.integrationEvents.maxAgeHours).toBe(24);
    expect(integrationTopicsOf(config.integrationEvents.topics)).toEqual(expect.objectContaining({ 'customer.tier': 'crm.tier', 'customer.messages': 'crm.messages' }));
  });

  it.each([
    [{ INTEGRATION_EVENTS: 'maybe' }, 'integrationEvents.enabled'],
    [{ INTEGRATION_MAX_AGE_HOURS: '-1' }, 'integrationEvents.maxAgeHours'],
    [{ KAFKA_TOPIC_LIFECYCLE: 'no spaces' }, 'integrationEvents.topics.lifecycle: KAFKA_TOPIC_LIFECYCLE'],
  ])('refuses %j at start-up, naming the field', (env, field) => {
    expect(() => loadEngineConfig(env)).toThrow(ConfigError);
    expect(() => loadEngineConfig(env)).toThrow(field);
  });

  it('publishes in ROLE=all and ROLE=projector only, and not when switched off', () => {
    const runs = (env: Record<string, string>) => runsIntegrationEvents(loadEngineConfig(env));
    expect([runs({}), runs({ ROLE: 'projector' }), runs({ ROLE: 'api' }), runs({ ROLE: 'saga' }), runs({ INTEGRATION_EVENTS: 'off' })]).toEqual([true, true, false, false, false]);
  });
});
