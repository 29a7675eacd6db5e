import { createHash } from 'node:crypto';
import type { CaseEventTable, CasePhotoTable, CaseTable, EvidencePhotoUseTable, PhotoTable } from '../../../db/schema.js';
import { type Random, seededRandom } from '../../shared/random.js';
import type { FileStore } from '../../storage/file-store.js';
import { originalKey, thumbKey } from '../../storage/keys.js';
import { SCENE_HEIGHT, SCENE_WIDTH, type SceneKind, type SceneState, scene, withExif } from './scene-photos.js';
import { idAt } from './synthetic-ids.js';

type Ev = Omit<CaseEventTable, 'seq' | 'prev_hash' | 'hash'>;

const MIN = 60_000;
/** About 10 m of a phone's GNSS error, in degrees. */
const JITTER_DEG = 0.0001;

/** What the people of the loop write when they act (DOMAIN.md: 处置反馈 needs a note, a failed check says why). */
const HANDLED = ['已清运完毕，现场恢复整洁', '已督促物业整改，桶位已归位', '已补齐分类容器并张贴标识', '已清理散落垃圾并冲洗地面', '已约谈经营者，现场整改到位'];
const CHECK_FAILED = ['现场仍有散落垃圾，请重新处置', '分类容器仍未补齐', '整改照片与现场不符，请重新处置'];
const CANCELLED = ['重复上报', '经核实不属于本街道管辖', '现场核实无此问题'];
const EXTENSION = ['需协调物业更换容器，申请延期', '材料采购中，申请延期'];
const HOLD = ['涉及产权争议，待区级部门协调', '等待施工结束后处置'];
const NOTES: Record<string, string[]> = { handle: HANDLED, check_fail: CHECK_FAILED, cancel: CANCELLED, request_extension: EXTENSION, request_hold: HOLD };

export interface HistoryEvidence {
  photos: PhotoTable[];
  links: CasePhotoTable[];
  uses: EvidencePhotoUseTable[];
}

export interface PlannedPhoto {
  row: PhotoTable;
  kind: SceneKind;
  state: SceneState;
  variant: number;
}

/** A coordinate as a phone reports it: within about 10 m, to 1e-7 degrees. */
const nearBy = (r: Random, v: number) => Math.round((v + (r.next() - 0.5) * 2 * JITTER_DEG) * 1e7) / 1e7;

const sceneKind = (kind: string | undefined): SceneKind => (kind === 'shop' || kind === 'institution' ? kind : 'bin_room');

/**
 * What the people in the generated history wrote and photographed, as the live app requires it:
 * a note where an action needs one (处置反馈, a failed check, a cancel, a request), the position
 * of the phone where one was in hand (a report, an on-the-spot fix, a handling), and, when
 * `files` is given, the photos — a self-resolved case's before and after (DOMAIN.md §4), the
 * finder's picture of a reported problem, the handler's picture of the fix — each one a stored
 * JPEG with its thumbnail and its EXIF time and position, a photo row of its uploader, its links
 * to the case and, for a self-resolved case, its recorded use (the reuse check sees it). Draws
 * from its own random stream: the lifecycles are the same with or without it.
 * Mutates the events' note, position and photo_ids; call before chaining them.
 */
export async function dressHistory(
  events: Ev[],
  cases: CaseTable[],
  sites: Map<string, { kind?: string; lng: number; lat: number }>,
  o: { seed: number; sub: string; files?: FileStore },
): Promise<HistoryEvidence> {
  const r = seededRandom((o.seed * 2_654_435_761) >>> 0);
  // The photos draw from a stream of their own: notes and positions are the same without them.
  const rp = seededRandom((o.seed * 2_246_822_519 + 1) >>> 0);
  const caseOf = new Map(cases.map((c) => [c.id, c]));
  const planned: PlannedPhoto[] = [];
  const out: HistoryEvidence = { photos: [], links: [], uses: [] };
  const near = (v: number) => nearBy(r, v);
  const asked = new Map<string, string | null>();
  for (const e of events) {
    const c = caseOf.get(e.case_id)!;
    const site = sites.get(c.site_id ?? '');
    const at = Date.parse(e.at);
    const notes = NOTES[e.action];
    if (notes) e.note = r.pick(notes);
    // The approval moves the due time: its event carries the request's reason (as transition-case.ts does).
    if (e.action === 'request_extension') asked.set(e.case_id, e.note);
    if (e.action === 'approve_extension') e.note = asked.get(e.case_id) ?? null;
    const inHand = e.action === 'self_resolve' || e.action === 'handle' || (e.action === 'report' && e.actor_role !== 'operator' && e.actor_role !== 'admin');
    if (!inHand || !site) continue;
    if (e.action !== 'handle') e.note = c.description;
    e.lng = near(site.lng);
    e.lat = near(site.lat);
    e.accuracy_m = r.int(4, 25);
    if (!o.files) continue;
    const photo = (state: SceneState, minutesBefore: number, purpose: CasePhotoTable['purpose']): string => {
      // EXIF keeps whole seconds.
      const taken = Math.floor((at - minutesBefore * MIN) / 1000) * 1000 - rp.int(0, 59) * 1000;
      const id = idAt(taken, rp);
      const variant = rp.int(0, 1_000);
      const [lat, lng] = [nearBy(rp, site.lat), nearBy(rp, site.lng)];
      // Uploaded as the record was sent, a little after it was taken.
      planned.push(plannedPhoto({ id, sub: o.sub, uploadedBy: e.actor_user_id!, kind: sceneKind(site.kind), state, variant, takenAt: taken, lat, lng, createdAt: at - rp.int(5, 50) * 1000 }));
      out.links.push({ id: idAt(at, rp), case_id: c.id, event_id: e.id, photo_id: id, subdistrict_id: o.sub, committee_id: c.committee_id, purpose });
      return id;
    };
    const ids =
      e.action === 'self_resolve' ? [photo('problem', rp.int(4, 15), 'before'), photo('fixed', rp.int(1, 3), 'after')]
      : e.action === 'report' ? [photo('problem', rp.int(2, 10), 'before')]
      : [photo('fixed', rp.int(5, 40), 'after')];
    e.photo_ids = JSON.stringify(ids);
    if (e.action === 'self_resolve') {
      for (const id of ids) out.uses.push({ id: idAt(at, rp), subdistrict_id: o.sub, photo_id: id, sha256: '', record_kind: 'case', record_id: c.id, used_at: e.at });
    }
  }
  if (o.files) await storePlanned(o.files, planned);
  out.photos = planned.map((p) => p.row);
  const sha = new Map(out.photos.map((p) => [p.id, p.sha256]));
  for (const u of out.uses) u.sha256 = sha.get(u.photo_id)!;
  return out;
}

/** A photo to make: its scene and its row, whose content fields storePlanned fills in. */
export function plannedPhoto(p: {
  id: string; sub: string; uploadedBy: string; kind: SceneKind; state: SceneState; variant: number; takenAt: number; lat: number; lng: number; createdAt: number;
}): PlannedPhoto {
  return {
    kind: p.kind, state: p.state, variant: p.variant,
    row: {
      id: p.id, subdistrict_id: p.sub, uploaded_by: p.uploadedBy, sha256: '', mime: 'image/jpeg', bytes: 0, width: SCENE_WIDTH, height: SCENE_HEIGHT,
      storage_key: '', thumb_key: null, exif_taken_at: new Date(p.takenAt).toISOString(), exif_lat: p.lat, exif_lng: p.lng,
      created_at: new Date(p.createdAt).toISOString(),
    },
  };
}

/** Objects written to the store at a time (bounds the memory a seed holds). */
const BATCH = 500;

/** Makes each planned photo's bytes, writes the original and the thumbnail, fills in its row. */
export async function storePlanned(files: FileStore, planned: PlannedPhoto[]): Promise<void> {
  for (let i = 0; i < planned.length; i += BATCH) {
    const objects: { key: string; bytes: Buffer }[] = [];
    for (const p of planned.slice(i, i + BATCH)) {
      const s = await scene(p.kind, p.state, p.variant);
      const bytes = withExif(s.jpeg, { takenAt: new Date(p.row.exif_taken_at!), lat: p.row.exif_lat!, lng: p.row.exif_lng!, uniqueId: p.row.id.replaceAll('-', '') });
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      objects.push({ key: originalKey(sha256), bytes }, { key: thumbKey(sha256), bytes: s.thumb });
      Object.assign(p.row, { sha256, bytes: bytes.length, storage_key: originalKey(sha256), thumb_key: thumbKey(sha256) });
    }
    await files.putGenerated(objects);
  }
}
