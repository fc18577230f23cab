export * from './crs';
export * from './bbox';
export * from './label-points';
