import { z } from 'zod';
import {
  SpotCheckInput,
  SpotCheckQuery,
  SpotCheckSettingsInput,
  listSpotChecks,
  recordSpotCheck,
  setSpotCheckPercent,
  spotCheckKpi,
  spotCheckPercent,
} from '../../domain/cases/spot-checks.js';
import { assertCan } from '../../domain/auth/permissions.js';
import { assertSeesSubdistrict } from '../../domain/auth/scope.js';
import { audited } from '../audited.js';
import { idempotentWrite } from '../idempotency.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const list = def({
  schema: { tags: ['cases'], summary: 'Spot checks (抽查) of self-resolved cases: the pending queue, or those passed / failed', querystring: SpotCheckQuery },
  handler: async ({ req, deps, actor }) => listSpotChecks(deps.db, actor, req.query),
});

export const kpi = def({
  schema: { tags: ['cases'], summary: 'Spot-check KPI: self-resolved, sampled, passed, failed, pass rate', querystring: SpotCheckQuery.pick({ from: true, to: true }) },
  handler: async ({ req, deps, actor }) => spotCheckKpi(deps.db, actor, req.query),
});

export const record = def({
  schema: { tags: ['cases'], summary: 'Record the spot check of a sampled self-resolved case (operations centre; never its finder)', params: IdParams, body: SpotCheckInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/cases/:id/spot-check' }, (trx) => recordSpotCheck(trx, deps.clock, actor, req.params.id, req.body)),
});

const SubParams = z.strictObject({ subdistrictId: z.string().min(1).max(64) });

export const getSettings = def({
  schema: { tags: ['cases'], summary: 'Case-loop settings of a subdistrict (spot-check share)', params: SubParams },
  handler: async ({ req, deps, actor }) => {
    assertCan(actor, 'cases.spot_check');
    assertSeesSubdistrict(actor, req.params.subdistrictId, 'Subdistrict');
    return { subdistrictId: req.params.subdistrictId, spotCheckPercent: await spotCheckPercent(deps.db, req.params.subdistrictId) };
  },
});

export const putSettings = def({
  schema: { tags: ['cases'], summary: 'Set the share of self-resolved cases sampled for a spot check (0–100 %)', params: SubParams, body: SpotCheckSettingsInput },
  handler: async ({ req, deps, actor }) => {
    const subdistrictId = req.params.subdistrictId;
    const snapshot = async (trx: Parameters<typeof spotCheckPercent>[0]) => ({ subdistrictId, spotCheckPercent: await spotCheckPercent(trx, subdistrictId) });
    return audited(
      { req, deps, actor },
      { action: 'case_settings.update', entity: 'case_settings', entityId: subdistrictId, subdistrictId, before: snapshot, after: snapshot },
      (trx) => setSpotCheckPercent(trx, deps.clock, actor, subdistrictId, req.body),
    );
  },
});
