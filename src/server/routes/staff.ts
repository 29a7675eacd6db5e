import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { HANDLING_UNIT_KINDS, ROLES } from '../../db/schema.js';
import { HandlingUnitInput, HandlingUnitPatch, createHandlingUnit, getHandlingUnit, listHandlingUnits, updateHandlingUnit } from '../../domain/registry/handling-units.js';
import { placeTree } from '../../domain/registry/places.js';
import { StaffInput, StaffPatch } from '../../domain/staff/staff-input.js';
import { createStaff, getStaff, listStaff, signOutEverywhere, updateStaff } from '../../domain/staff/staff.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { countSessionsOf } from '../../domain/auth/session-lifecycle.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const places = def({
  schema: { tags: ['registry'], summary: 'Subdistricts, committees and grids in my scope' },
  handler: async ({ deps, actor }) => placeTree(deps.db, actor),
});

export const listUnits = def({
  schema: {
    tags: ['registry'],
    summary: 'Handling units in my subdistricts',
    querystring: z.strictObject({ kind: z.enum(HANDLING_UNIT_KINDS).optional(), subdistrictId: z.string().optional() }),
  },
  handler: async ({ req, deps, actor }) => ({ items: await listHandlingUnits(deps.db, actor, req.query) }),
});

export const createUnit = def({
  schema: { tags: ['registry'], summary: 'Add a handling unit (administrators)', body: HandlingUnitInput },
  handler: async ({ req, reply, deps, actor }) => {
    const id = await audited(
      { req, deps, actor },
      { action: 'handling_unit.create', entity: 'handling_unit', entityId: (id) => id, after: (trx, id) => snapshotRow(trx, 'handling_units', 'id', id) },
      (trx: Db) => createHandlingUnit(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return { id };
  },
});

export const getUnit = def({
  schema: { tags: ['registry'], summary: 'One handling unit of my subdistricts', params: IdParams },
  handler: async ({ req, deps, actor }) => getHandlingUnit(deps.db, actor, req.params.id),
});

export const updateUnit = def({
  schema: {
    tags: ['registry'],
    summary: 'Edit, retire or reactivate a handling unit (administrators of its subdistrict; audited)',
    params: IdParams,
    body: HandlingUnitPatch,
  },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'handling_unit.update',
        entity: 'handling_unit',
        entityId: req.params.id,
        before: (trx) => snapshotRow(trx, 'handling_units', 'id', req.params.id),
        after: (trx) => snapshotRow(trx, 'handling_units', 'id', req.params.id),
      },
      (trx: Db) => updateHandlingUnit(trx, actor, req.params.id, req.body),
    ),
});

export const list = def({
  schema: {
    tags: ['staff'],
    summary: 'Staff in my scope',
    querystring: z.strictObject({
      role: z.enum(ROLES).optional(),
      q: z.string().trim().max(50).optional(),
      committeeId: z.string().optional(),
      after: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listStaff(deps.db, actor, filter, { after, limit });
  },
});

export const get = def({
  schema: { tags: ['staff'], summary: 'One staff member', params: IdParams },
  handler: async ({ req, deps, actor }) => getStaff(deps.db, actor, req.params.id),
});

export const create = def({
  schema: { tags: ['staff'], summary: 'Add a staff member (administrators)', body: StaffInput },
  handler: async ({ req, reply, deps, actor }) => {
    const id = await audited(
      { req, deps, actor },
      { action: 'user.create', entity: 'user', entityId: (id) => id, after: (trx, id) => getStaff(trx, actor, id as string) },
      (trx: Db) => createStaff(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return getStaff(deps.db, actor, id);
  },
});

export const update = def({
  schema: { tags: ['staff'], summary: 'Edit, disable or re-scope a staff member', params: IdParams, body: StaffPatch },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'user.update',
        entity: 'user',
        entityId: req.params.id,
        before: (trx) => getStaff(trx, actor, req.params.id),
        after: (_trx, staff) => (req.body.password !== undefined ? { ...staff, passwordReset: true } : staff),
      },
      (trx: Db) => updateStaff(trx, deps.clock, actor, req.params.id, req.body),
    ),
});


export const signOutAll = def({
  schema: { tags: ['staff'], summary: 'Sign a staff member out of every session (administrators; audited)', params: IdParams },
  handler: async ({ req, deps, actor }) => {
    const ended = await audited(
      { req, deps, actor },
      {
        action: 'user.sessions.end_all',
        entity: 'user',
        entityId: req.params.id,
        before: async (trx) => ({ subdistrictId: (await getStaff(trx, actor, req.params.id)).subdistrictId, sessions: await countSessionsOf(trx, req.params.id) }),
        after: async (trx) => ({ sessions: await countSessionsOf(trx, req.params.id) }),
      },
      (trx: Db) => signOutEverywhere(trx, deps.clock, actor, req.params.id),
    );
    return { ended };
  },
});

