import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { ChangePasswordForm } from '../shared/ChangePasswordForm';
import { RoleHome } from './home/RoleHome';
import { CommitteeTodayPage } from './home/CommitteeTodayPage';
import { SetupChecklistPage } from './home/SetupChecklistPage';
import { Layout } from './Layout';
import { NotFound } from './NotFound';
import { SignInPage } from './SignInPage';
import { SiteDetailPage } from './sites/SiteDetailPage';
import { SiteFormPage } from './sites/SiteFormPage';
import { SitesPage } from './sites/SitesPage';
import { StaffFormPage } from './staff/StaffFormPage';
import { StaffPage } from './staff/StaffPage';
import { HandlingUnitFormPage } from './units/HandlingUnitFormPage';
import { HandlingUnitsPage } from './units/HandlingUnitsPage';
import { CampaignsPage } from './coverage/CampaignsPage';
import { ChecklistsPage } from './coverage/ChecklistsPage';
import { CoveragePage } from './coverage/CoveragePage';
import { DashboardPage, WallPage } from './dashboard/DashboardPage';
import { DeskPage } from './enforcement/DeskPage';
import { LadderPage } from './enforcement/LadderPage';
import { OpenFromCasePage } from './enforcement/OpenFromCasePage';
import { SubjectHistoryPage } from './enforcement/SubjectHistoryPage';
import { CaseDeskPage } from './cases/CaseDeskPage';
import { CaseDetailPage } from './cases/CaseDetailPage';
import { NewCasePage } from './cases/NewCasePage';
import { CataloguePage, canOpenCatalogue } from './catalogue/CataloguePage';
import { InboxPage } from './inbox/InboxPage';
import { NotificationsAdminPage } from './inbox/NotificationsAdminPage';
import { TokensPage } from './tokens/TokensPage';
import { Open311KeysPage } from './open311/Open311KeysPage';
import { AuditLogPage } from './audit/AuditLogPage';
import { CalendarPage } from './calendar/CalendarPage';
import { JobsPage } from './ops/JobsPage';
import { SpotChecksPage } from './spot-checks/SpotChecksPage';
import { WindowPage } from './window/WindowPage';
import { NetworkPage } from './services/NetworkPage';
import { RecordDetailPage } from './services/RecordDetailPage';
import { RecordsPage } from './services/RecordsPage';
import { RatingsPage } from './services/RatingsPage';
import { RankingPage } from './services/RankingPage';
import { FiguresPage } from './services/FiguresPage';
import { AppointmentsPage } from './services/AppointmentsPage';
import { TerminalsPage } from './services/TerminalsPage';
import { ServiceCataloguePage } from './services/ServiceCataloguePage';

function RequireAuth({ children }: { children: ReactNode }) {
  const { status, me } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (status === 'loading') return <p className="page-loading">{t('common.loading')}</p>;
  if (status === 'signedOut') return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  if (me?.user.mustChangePassword) return <ChangePasswordForm />;
  return <>{children}</>;
}

/** Renders the page only when the role holds the permission; otherwise the same not-found as the API. */
function Allow({ permission, children }: { permission: string; children: ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? <>{children}</> : <NotFound />;
}

/** The catalogue page: administrators edit it, operators read it. */
function AllowCatalogue({ children }: { children: ReactNode }) {
  const { can, me } = useAuth();
  return canOpenCatalogue(can, me?.user.role) ? <>{children}</> : <NotFound />;
}

/** Desk-only pages (the case desk's intake): operators and administrators. */
function AllowDesk({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  return me?.user.role === 'operator' || me?.user.role === 'admin' ? <>{children}</> : <NotFound />;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/dashboard/wall" element={<RequireAuth><Allow permission="dashboard.read"><WallPage /></Allow></RequireAuth>} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<RoleHome />} />
        <Route path="sites" element={<SitesPage />} />
        <Route path="sites/new" element={<Allow permission="registry.write"><SiteFormPage /></Allow>} />
        <Route path="sites/:id" element={<SiteDetailPage />} />
        <Route path="sites/:id/edit" element={<Allow permission="registry.write"><SiteFormPage /></Allow>} />
        <Route path="staff" element={<Allow permission="staff.read"><StaffPage /></Allow>} />
        <Route path="staff/new" element={<Allow permission="staff.write"><StaffFormPage /></Allow>} />
        <Route path="staff/:id/edit" element={<Allow permission="staff.write"><StaffFormPage /></Allow>} />
        <Route path="handling-units" element={<Allow permission="registry.write"><HandlingUnitsPage /></Allow>} />
        <Route path="handling-units/new" element={<Allow permission="registry.write"><HandlingUnitFormPage /></Allow>} />
        <Route path="handling-units/:id/edit" element={<Allow permission="registry.write"><HandlingUnitFormPage /></Allow>} />
        <Route path="coverage" element={<Allow permission="coverage.read"><CoveragePage /></Allow>} />
        <Route path="checklists" element={<Allow permission="patrols.read"><ChecklistsPage /></Allow>} />
        <Route path="campaigns" element={<Allow permission="coverage.read"><CampaignsPage /></Allow>} />
        <Route path="dashboard" element={<Allow permission="dashboard.read"><DashboardPage /></Allow>} />
        <Route path="enforcement" element={<Allow permission="enforcement.read"><DeskPage /></Allow>} />
        <Route path="enforcement/new" element={<Allow permission="enforcement.act"><OpenFromCasePage /></Allow>} />
        <Route path="enforcement/subjects/:id" element={<Allow permission="enforcement.read"><SubjectHistoryPage /></Allow>} />
        <Route path="enforcement/:id" element={<Allow permission="enforcement.read"><LadderPage /></Allow>} />
        <Route path="cases" element={<Allow permission="cases.read"><CaseDeskPage /></Allow>} />
        <Route path="cases/new" element={<AllowDesk><NewCasePage /></AllowDesk>} />
        <Route path="cases/:id" element={<Allow permission="cases.read"><CaseDetailPage /></Allow>} />
        <Route path="catalogue" element={<AllowCatalogue><CataloguePage /></AllowCatalogue>} />
        <Route path="inbox" element={<InboxPage />} />
        <Route path="setup" element={<Allow permission="setup.read"><SetupChecklistPage /></Allow>} />
        <Route path="today" element={<Allow permission="coverage.read"><CommitteeTodayPage /></Allow>} />
        <Route path="tokens" element={<Allow permission="tokens.manage"><TokensPage /></Allow>} />
        <Route path="open311" element={<Allow permission="open311.keys"><Open311KeysPage /></Allow>} />
        <Route path="audit" element={<Allow permission="audit.read"><AuditLogPage /></Allow>} />
        <Route path="calendar" element={<Allow permission="calendar.write"><CalendarPage /></Allow>} />
        <Route path="jobs" element={<Allow permission="jobs.run"><JobsPage /></Allow>} />
        <Route path="spot-checks" element={<Allow permission="cases.spot_check"><SpotChecksPage /></Allow>} />
        <Route path="notifications" element={<Allow permission="notifications.admin"><NotificationsAdminPage /></Allow>} />
        <Route path="services/catalogue" element={<Allow permission="services.read"><ServiceCataloguePage /></Allow>} />
        <Route path="services/network" element={<Allow permission="services.read"><NetworkPage /></Allow>} />
        <Route path="services/records" element={<Allow permission="services.records.read"><RecordsPage /></Allow>} />
        <Route path="services/records/:id" element={<Allow permission="services.records.read"><RecordDetailPage /></Allow>} />
        <Route path="services/ratings" element={<Allow permission="services.records.read"><RatingsPage /></Allow>} />
        <Route path="services/ranking" element={<Allow permission="services.ratings.ranking"><RankingPage /></Allow>} />
        <Route path="services/figures" element={<Allow permission="services.read"><FiguresPage /></Allow>} />
        <Route path="services/appointments" element={<Allow permission="services.records.read"><AppointmentsPage /></Allow>} />
        <Route path="services/terminals" element={<Allow permission="services.read"><TerminalsPage /></Allow>} />
        <Route path="services/window" element={<Allow permission="services.serve"><WindowPage /></Allow>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
