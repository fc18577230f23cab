export * from './errors';
export * from './health';
export * from './auth';
export * from './areas';
export * from './events';
export * from './live';
export * from './identifiers';
export * from './registry';
export * from './studio';

export * from './supervision';
