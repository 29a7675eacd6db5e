/** One administrative change, chained to the previous one (see src/domain/audit). */
export interface AuditLogTable {
  id: string;
  seq: number;
  at: string;
  /** null for the system or the command line */
  actor_user_id: string | null;
  actor_username: string;
  actor_role: string;
  /** the client address the change came from; null from the command line */
  ip: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  /** the subdistrict the change belongs to, for scoped search; null for instance-wide changes */
  subdistrict_id: string | null;
  /**
   * the district the change belongs to, for scoped search (the subdistrict's district, else the
   * district of a district-level change); null with a null subdistrict_id = instance-wide. Scoping
   * metadata derived from hashed fields: not itself in the entry's hash (audit-hash.ts).
   */
  district_id: string | null;
  /** canonical JSON of the state before / after; null for a creation / deletion */
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: string;
  seq: number;
  hash: string;
  updated_at: string;
}
