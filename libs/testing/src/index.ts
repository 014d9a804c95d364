export * from './servers';
export * from './kafka';
export * from './shared-data';
