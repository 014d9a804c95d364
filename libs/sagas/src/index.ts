// Win-back campaigns, pure: the campaign decider, the per-customer saga (a process manager), the
// deterministic holdout, the measurement, and the simulation over stored history.
export * from './campaign/campaign-definition';
export * from './campaign/campaign.events';
export * from './campaign/campaign.decide';
export * from './holdout/holdout';
export * from './winback/winback.events';
export * from './winback/winback.saga';
export * from './measurement/proportions';
export * from './measurement/campaign-report';
export * from './simulation/simulate-campaign';
export * from './winback/winback-actions.source';
