/** TypeORM entities (plain tables only; spatial tables are reached through repositories' SQL). */
export const ENTITIES: (new (...args: never[]) => unknown)[] = [];
