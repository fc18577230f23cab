export { registerAttributedTable, type AttributedTable } from './attributed-tables';
export { AreaLookupService } from './area-lookup.service';
