export { auditConsistency, type AuditProgress, type ConsistencyAuditOptions, type ConsistencyAuditStores } from './consistency-audit';
export {
  formatConsistencyTable,
  type AccountConsistency,
  type ConsistencyCounts,
  type ConsistencySummary,
  type RepairCounts,
} from './audit-report';
