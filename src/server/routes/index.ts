import type { RouteAccess } from '../../domain/auth/permissions.js';
import type { Deps } from '../deps.js';
import { type App, mount } from '../route.js';
import * as auth from './auth.js';
import * as inspections from './inspections.js';
import * as checkins from './checkins.js';
import * as coverage from './coverage.js';
import * as cases from './cases.js';
import * as catalogue from './catalogue.js';
import * as health from './health.js';
import * as ops from './ops.js';
import * as ledgers from './ledgers.js';
import * as photos from './photos.js';
import * as calendar from './calendar.js';
import * as notifications from './notifications.js';
import * as sites from './sites.js';
import * as enforcement from './enforcement.js';
import * as staff from './staff.js';
import * as dashboard from './dashboard.js';
import * as dashboardStream from './dashboard-stream.js';
import * as audit from './audit.js';
import * as spotChecks from './spot-checks.js';
import * as services from './services.js';
import * as servicesPublic from './services-public.js';
import * as terminals from './terminals.js';
import * as serviceQueue from './service-queue.js';
import * as serviceQueuePublic from './service-queue-public.js';
import * as servicesStream from './services-stream.js';
import * as catalogueXlsx from './services-catalogue-xlsx.js';
import * as open311 from './open311.js';
import * as open311Keys from './open311-keys.js';
import * as publicReports from './public-reports.js';
import { acceptForms } from '../open311/form.js';
import * as jobs from './jobs.js';
import * as personalData from './personal-data.js';

/** Every route of the API, in one list. */
export function registerRoutes(app: App, deps: Deps) {
  // Each route names the action of the permission table (domain/auth/permissions.ts) it performs.
  const r = (method: Parameters<typeof mount>[2], url: string, access: RouteAccess, d: Parameters<typeof mount>[5]) =>
    mount(app, deps, method, url, access, d);

  r('GET', '/healthz', 'public', health.healthz);
  r('GET', '/readyz', 'public', health.readyz);
  r('GET', '/metrics', 'public', ops.metrics);
  r('GET', '/api/config', 'public', health.clientConfig);

  r('POST', '/api/auth/sign-in', 'public', auth.signInRoute);
  r('POST', '/api/auth/sign-out', 'public', auth.signOutRoute);
  r('GET', '/api/me', 'self.read', auth.me);
  r('GET', '/api/me/tokens', 'tokens.manage', auth.listTokens);
  r('POST', '/api/me/tokens', 'tokens.manage', auth.createToken);
  r('DELETE', '/api/me/tokens/:id', 'tokens.manage', auth.revokeToken);
  r('GET', '/api/settings/tokens', 'tokens.settings', auth.getTokenSettings);
  r('PUT', '/api/settings/tokens', 'tokens.settings', auth.putTokenSettings);
  r('POST', '/api/reveal/phone', 'contacts.reveal', personalData.revealPhoneRoute);
  r('POST', '/api/me/password', 'self.password', auth.changePassword);
  r('POST', '/api/me/wall-session', 'dashboard.wall', auth.createWallSessionRoute);

  r('GET', '/api/places', 'registry.read', staff.places);
  r('GET', '/api/handling-units', 'registry.read', staff.listUnits);
  r('POST', '/api/handling-units', 'registry.write', staff.createUnit);
  r('GET', '/api/handling-units/:id', 'registry.read', staff.getUnit);
  r('PATCH', '/api/handling-units/:id', 'registry.write', staff.updateUnit);

  r('GET', '/api/sites', 'registry.read', sites.list);
  r('GET', '/api/sites/markers', 'registry.read', sites.markers);
  r('GET', '/api/sites/:id', 'registry.read', sites.get);
  r('POST', '/api/sites', 'registry.write', sites.create);
  r('PATCH', '/api/sites/:id', 'registry.write', sites.update);
  r('POST', '/api/sites/:id/retire', 'registry.write', sites.retire);
  r('POST', '/api/sites/:id/restore', 'registry.write', sites.restore);

  r('GET', '/api/cases', 'cases.read', cases.list);
  r('GET', '/api/cases/queues', 'cases.read', cases.queues);
  r('GET', '/api/cases/duplicates', 'cases.read', cases.duplicates);
  r('POST', '/api/cases', 'cases.report', cases.report);
  r('POST', '/api/cases/bulk-dispatch', 'cases.dispatch', cases.bulk);
  r('GET', '/api/cases/:id', 'cases.read', cases.get);
  r('POST', '/api/cases/:id/transitions', 'cases.act', cases.transition);
  r('GET', '/api/cases/:id/dispatch-suggestions', 'cases.read', cases.suggestions);
  r('GET', '/api/me/tasks', 'cases.read', cases.myTasks);
  r('GET', '/api/jobs', 'jobs.run', jobs.list);
  r('POST', '/api/jobs/:name/run', 'jobs.run', jobs.run);
  r('GET', '/api/setup/checklist', 'setup.read', jobs.setup);
  r('GET', '/api/spot-checks', 'cases.spot_check', spotChecks.list);
  r('GET', '/api/spot-checks/kpi', 'dashboard.read', spotChecks.kpi);
  r('POST', '/api/cases/:id/spot-check', 'cases.spot_check', spotChecks.record);
  r('GET', '/api/case-settings/:subdistrictId', 'cases.spot_check', spotChecks.getSettings);
  r('PUT', '/api/case-settings/:subdistrictId', 'cases.settings', spotChecks.putSettings);

  r('GET', '/api/catalogue', 'catalogue.read', catalogue.tree);
  r('POST', '/api/catalogue', 'catalogue.write', catalogue.create);
  r('PATCH', '/api/catalogue/:id', 'catalogue.write', catalogue.update);

  r('GET', '/api/staff', 'staff.read', staff.list);
  r('GET', '/api/staff/:id', 'staff.read', staff.get);
  r('POST', '/api/staff', 'staff.write', staff.create);
  r('PATCH', '/api/staff/:id', 'staff.write', staff.update);
  r('POST', '/api/staff/:id/sign-out-all', 'staff.write', staff.signOutAll);

  // Patrols, check-ins and coverage (issue 4)
  r('GET', '/api/checklists', 'patrols.read', inspections.checklists);
  r('GET', '/api/checklists/:id', 'patrols.read', inspections.checklist);
  r('POST', '/api/checklists', 'checklists.write', inspections.publish);
  r('POST', '/api/checkins', 'checkins.record', checkins.create);
  r('GET', '/api/checkins', 'patrols.read', checkins.list);
  r('GET', '/api/checkins/misses', 'patrols.read', checkins.misses);
  r('POST', '/api/inspections', 'inspections.record', inspections.record);
  r('GET', '/api/inspections', 'patrols.read', inspections.list);
  r('GET', '/api/inspections/:id', 'patrols.read', inspections.get);
  r('GET', '/api/coverage/board', 'coverage.read', coverage.board);
  r('GET', '/api/coverage/activity', 'coverage.read', coverage.activity);
  r('GET', '/api/coverage/today', 'patrols.read', coverage.today);
  r('GET', '/api/coverage/intervals', 'coverage.read', coverage.intervals);
  r('PUT', '/api/coverage/intervals', 'grades.write', coverage.setIntervalRoute);
  r('GET', '/api/campaigns', 'coverage.read', coverage.campaigns);
  r('GET', '/api/campaigns/:id', 'coverage.read', coverage.campaign);
  r('POST', '/api/campaigns', 'campaigns.write', coverage.createCampaignRoute);
  r('GET', '/api/sites/:id/history', 'patrols.read', coverage.siteHistory);

  // Photos (issue 3, item 9)
  r('POST', '/api/photos', 'photos.upload', photos.upload);
  r('GET', '/api/photos/:id', 'photos.read', photos.original);
  r('GET', '/api/photos/:id/thumb', 'photos.read', photos.thumb);
  r('GET', '/api/photos/:id/meta', 'photos.read', photos.meta);

  // Working-day calendar and notifications (issue 3, items 5 and 7)
  r('GET', '/api/calendar/overrides', 'calendar.read', calendar.list);
  r('PUT', '/api/calendar/overrides', 'calendar.write', calendar.put);
  r('DELETE', '/api/calendar/overrides/:id', 'calendar.write', calendar.remove);
  r('GET', '/api/calendar/due', 'calendar.read', calendar.due);
  r('POST', '/api/calendar/years/:year/preview', 'calendar.write', calendar.previewYear);
  r('POST', '/api/calendar/years/:year', 'calendar.write', calendar.importYear);
  r('GET', '/api/inbox', 'self.read', notifications.inbox);
  r('GET', '/api/inbox/count', 'self.read', notifications.inboxCount);
  r('POST', '/api/inbox/read-all', 'self.write', notifications.readAll);
  r('POST', '/api/inbox/:id/read', 'self.write', notifications.readOne);
  r('GET', '/api/notifications/deliveries', 'notifications.admin', notifications.deliveries);
  r('POST', '/api/notifications/deliveries/:id/retry', 'notifications.admin', notifications.retry);
  r('GET', '/api/notifications/webhooks/:subdistrictId', 'notifications.admin', notifications.getWebhook);
  r('PUT', '/api/notifications/webhooks/:subdistrictId', 'notifications.admin', notifications.putWebhook);
  r('DELETE', '/api/notifications/webhooks/:subdistrictId', 'notifications.admin', notifications.deleteWebhook);

  // Excel ledgers in and out (issue 2, item 8)
  r('POST', '/api/import/sites', 'registry.import', ledgers.importSitesRoute);
  r('POST', '/api/import/staff', 'staff.write', ledgers.importStaffRoute);
  r('GET', '/api/export/sites.xlsx', 'registry.export', ledgers.exportSitesRoute);
  r('GET', '/api/export/staff.xlsx', 'staff.read', ledgers.exportStaffRoute);

  // Enforcement ladder 管执联动 (issue 5)
  r('GET', '/api/enforcement/ladder', 'enforcement.read', enforcement.ladder);
  r('GET', '/api/enforcement/legal-bases', 'enforcement.read', enforcement.legalBases);
  r('POST', '/api/enforcement/legal-bases/:subdistrictId', 'enforcement.admin', enforcement.createBasis);
  r('PATCH', '/api/enforcement/legal-bases/:id', 'enforcement.admin', enforcement.editBasis);
  r('GET', '/api/enforcement/settings/:subdistrictId', 'enforcement.read', enforcement.settings);
  r('PATCH', '/api/enforcement/settings/:subdistrictId', 'enforcement.admin', enforcement.putSettings);
  r('GET', '/api/enforcement/cases', 'enforcement.read', enforcement.list);
  r('POST', '/api/enforcement/cases', 'enforcement.act', enforcement.open);
  r('GET', '/api/enforcement/cases/:id', 'enforcement.read', enforcement.get);
  r('POST', '/api/enforcement/cases/:id/steps', 'enforcement.act', enforcement.step);
  r('GET', '/api/enforcement/reinspections/due-today', 'enforcement.read', enforcement.dueToday);
  r('GET', '/api/enforcement/counts', 'enforcement.read', enforcement.counts);
  r('GET', '/api/enforcement/officers', 'enforcement.read', enforcement.officers);
  r('GET', '/api/enforcement/subjects/:id/history', 'enforcement.read', enforcement.history);
  r('GET', '/api/enforcement/documents/verify', 'enforcement.read', enforcement.verify);
  r('GET', '/api/enforcement/documents/:id', 'enforcement.read', enforcement.document);
  r('GET', '/api/enforcement/documents/:id/pdf', 'enforcement.read', enforcement.pdf);
  r('POST', '/api/enforcement/documents/:id/corrections', 'enforcement.act', enforcement.correct);
  r('POST', '/api/enforcement/documents/:id/service', 'enforcement.serve', enforcement.serve);

  // Operations-centre dashboard (issue 6)
  r('GET', '/api/dashboard/summary', 'dashboard.read', dashboard.summary);
  r('GET', '/api/dashboard/rankings', 'dashboard.read', dashboard.rankings);
  r('GET', '/api/dashboard/trends/daily', 'dashboard.read', dashboard.daily);
  r('GET', '/api/dashboard/trends/hourly', 'dashboard.read', dashboard.hourly);
  r('GET', '/api/dashboard/categories', 'dashboard.read', dashboard.categories);
  r('GET', '/api/dashboard/compare', 'dashboard.read', dashboard.compare);
  r('GET', '/api/dashboard/map', 'dashboard.read', dashboard.map);
  r('GET', '/api/dashboard/feed', 'dashboard.read', dashboard.feed);
  r('GET', '/api/dashboard/coverage', 'dashboard.read', dashboard.coverage);
  r('GET', '/api/dashboard/sources', 'dashboard.read', dashboard.sources);
  r('GET', '/api/dashboard/services', 'dashboard.read', dashboard.services);
  r('GET', '/api/dashboard/export.xlsx', 'dashboard.read', dashboard.exportXlsx);
  r('GET', '/api/dashboard/report.pdf', 'dashboard.read', dashboard.report);
  r('GET', '/api/dashboard/stream', 'dashboard.read', dashboardStream.stream);

  // Administrative audit log (issue 12, point 6)
  r('GET', '/api/audit', 'audit.read', audit.search);
  r('GET', '/api/audit/export.csv', 'audit.read', audit.exportCsv);

  // 一网通办: catalogue, network, records, ratings (issue 15)
  r('GET', '/api/services/catalogue', 'services.read', services.catalogue);
  r('GET', '/api/services/items/:id', 'services.read', services.item);
  r('GET', '/api/services/catalogue/export.xlsx', 'services.read', catalogueXlsx.exportRoute);
  r('POST', '/api/services/catalogue/import', 'services.catalogue.write', catalogueXlsx.importRoute);
  r('POST', '/api/services/items', 'services.catalogue.write', services.createItemRoute);
  r('POST', '/api/services/items/:id/versions', 'services.catalogue.write', services.publishVersionRoute);
  r('GET', '/api/services/points', 'services.read', services.points);
  r('GET', '/api/services/points/:id', 'services.read', services.point);
  r('GET', '/api/services/window/points', 'services.serve', services.myWindowPoints);
  r('POST', '/api/services/points', 'services.network.write', services.createPointRoute);
  r('POST', '/api/services/points/:id/status', 'services.network.write', services.pointStatus);
  r('PUT', '/api/services/points/:id/offer', 'services.network.write', services.pointOffer);
  r('GET', '/api/services/grids', 'services.read', services.grids);
  r('POST', '/api/services/grids', 'services.network.write', services.createGridRoute);
  r('GET', '/api/services/reports/grid-coverage', 'services.read', services.coverage);
  r('GET', '/api/services/reports/life-circle', 'services.read', services.lifeCircleRoute);
  r('GET', '/api/services/records', 'services.records.read', services.records);
  r('GET', '/api/services/records/overdue', 'services.records.read', services.overdue);
  r('GET', '/api/services/records/:id', 'services.records.read', services.record);
  r('POST', '/api/services/records', 'services.serve', services.createRecordRoute);
  r('POST', '/api/services/records/:id/steps', 'services.serve', services.stepRecordRoute);
  r('POST', '/api/services/records/:id/reveal', 'services.reveal_id', services.reveal);
  r('GET', '/api/services/records/:id/reveals', 'services.reveals.read', services.reveals);
  r('GET', '/api/services/ratings', 'services.records.read', services.ratings);
  r('GET', '/api/services/ratings/kpi', 'services.records.read', services.kpi);
  r('GET', '/api/services/ratings/ranking', 'services.ratings.ranking', services.ranking);
  r('GET', '/api/services/ratings/ranking.xlsx', 'services.ratings.ranking', services.rankingXlsx);
  r('GET', '/api/services/ratings/:id/followup', 'services.records.read', services.followup);
  r('POST', '/api/services/ratings/:id/callback', 'services.followup', services.callback);
  r('POST', '/api/services/ratings/:id/resolve', 'services.followup', services.resolve);
  r('POST', '/api/services/ratings/:id/appeal', 'services.followup', services.appeal);
  r('POST', '/api/services/ratings/:id/appeal-decision', 'services.ratings.review', services.appealDecision);
  r('GET', '/api/services/settings/:subdistrictId', 'services.read', services.settings);
  r('PATCH', '/api/services/settings/:subdistrictId', 'services.settings', services.putSettings);
  r('GET', '/api/services/terminals', 'services.read', terminals.list);
  r('POST', '/api/services/points/:id/terminal-token', 'services.network.write', terminals.issueToken);
  r('POST', '/api/terminals/heartbeat', 'public', terminals.heartbeat);
  r('POST', '/api/terminals/fault', 'public', terminals.fault);
  r('POST', '/api/terminals/sessions', 'public', terminals.session);
  r('GET', '/api/public/points/:code', 'public', servicesPublic.pointPage);
  r('GET', '/api/public/points/:code/items/:itemId', 'public', servicesPublic.pointItem);
  r('GET', '/api/public/rate/:token', 'public', servicesPublic.ratingPage);
  r('POST', '/api/public/rate/:token', 'public', servicesPublic.rate);
  r('GET', '/api/public/rate/:token/feedback', 'public', servicesPublic.feedbackStateRoute);
  r('POST', '/api/public/rate/:token/feedback', 'public', servicesPublic.feedback);
  r('GET', '/api/services/appointments', 'services.records.read', serviceQueue.appointments);
  r('POST', '/api/services/appointments/:id/check-in', 'services.queue', serviceQueue.checkInRoute);
  r('GET', '/api/services/queue/tickets', 'services.records.read', serviceQueue.tickets);
  r('GET', '/api/services/stream', 'services.records.read', servicesStream.stream);
  r('POST', '/api/services/queue/tickets', 'services.queue', serviceQueue.walkIn);
  r('POST', '/api/services/queue/call-next', 'services.queue', serviceQueue.callNextRoute);
  r('POST', '/api/services/queue/tickets/:id/start', 'services.queue', serviceQueue.startTicket);
  r('POST', '/api/services/queue/tickets/:id/finish', 'services.queue', serviceQueue.finishTicket);
  r('POST', '/api/services/queue/tickets/:id/skip', 'services.queue', serviceQueue.skipTicket);
  r('POST', '/api/services/queue/tickets/:id/recall', 'services.queue', serviceQueue.recallTicket);
  r('POST', '/api/services/queue/tickets/:id/switch-item', 'services.queue', serviceQueue.switchItem);
  r('GET', '/api/services/queue/tickets/:id/item-changes', 'services.queue', serviceQueue.itemChanges);
  r('GET', '/api/services/reports/waiting-times', 'services.read', serviceQueue.figures);
  r('GET', '/api/public/slots', 'public', serviceQueuePublic.slots);
  r('POST', '/api/public/appointments', 'public', serviceQueuePublic.book);
  r('GET', '/api/public/appointments/:token', 'public', serviceQueuePublic.appointment);
  r('POST', '/api/public/appointments/:token/cancel', 'public', serviceQueuePublic.cancel);
  // Open311 integration keys (issue 14, item 3): administrators only, every change audited
  r('GET', '/api/open311/keys', 'open311.keys', open311Keys.list);
  r('POST', '/api/open311/keys', 'open311.keys', open311Keys.issue);
  r('DELETE', '/api/open311/keys/:id', 'open311.keys', open311Keys.revoke);
  r('PATCH', '/api/open311/keys/:id', 'open311.keys', open311Keys.update);
  r('POST', '/api/open311/keys/:id/webhook-secret', 'open311.keys', open311Keys.rotateSecret);
  // The citizens' report-and-track page (/report): no account, proof of work, the tracking token as key
  r('GET', '/api/public/reports/challenge', 'public', publicReports.challenge);
  r('GET', '/api/public/reports/categories', 'public', publicReports.categories);
  r('POST', '/api/public/reports', 'public', publicReports.submit);
  r('GET', '/api/public/reports/:token', 'public', publicReports.track);
  r('POST', '/api/public/reports/:token/confirm', 'public', publicReports.confirm);
  r('POST', '/api/public/reports/:token/contest', 'public', publicReports.contest);
  r('GET', '/api/cases/:id/public-report', 'cases.read', publicReports.side);
  r('POST', '/api/cases/:id/abusive', 'open311.moderate', publicReports.abusive);
  r('GET', '/api/open311/keys/:id/deliveries', 'open311.keys', open311Keys.deliveries);
  r('POST', '/api/open311/keys/:id/deliveries/:deliveryId/retry', 'open311.keys', open311Keys.retryDelivery);

  // Open311 GeoReport v2 (issue 14): key-authenticated (never by cookie), form-encoded posts, the spec's error bodies.
  app.register(async (scope) => {
    acceptForms(scope);
    const o = (method: Parameters<typeof mount>[2], url: string, access: 'public', d: Parameters<typeof mount>[5]) =>
      mount(scope as App, deps, method, url, access, d);
    o('GET', '/open311/v2/discovery.xml', 'public', open311.discoveryXml);
    o('GET', '/open311/v2/discovery.json', 'public', open311.discoveryJson);
    o('GET', '/open311/v2/services.xml', 'public', open311.servicesXml);
    o('GET', '/open311/v2/services.json', 'public', open311.servicesJson);
    o('GET', '/open311/v2/services/:file', 'public', open311.serviceDefinition);
    o('GET', '/open311/v2/requests.xml', 'public', open311.requestsXml);
    o('GET', '/open311/v2/requests.json', 'public', open311.requestsJson);
    o('POST', '/open311/v2/requests.xml', 'public', open311.createXml);
    o('POST', '/open311/v2/requests.json', 'public', open311.createJson);
    o('GET', '/open311/v2/requests/:file', 'public', open311.requestOne);
    o('GET', '/open311/v2/tokens/:file', 'public', open311.tokenLookup);
    o('GET', '/open311/v2/servicerequestupdates.xml', 'public', open311.updatesXml);
    o('GET', '/open311/v2/servicerequestupdates.json', 'public', open311.updatesJson);
    o('GET', '/open311/v2/media/:file', 'public', open311.media);
  });
}
