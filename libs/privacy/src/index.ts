export * from './personal-data';
export * from './personal-data-vault';
export * from './sql-queryable';
