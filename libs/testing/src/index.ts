export * from './servers';
export * from './kafka';
