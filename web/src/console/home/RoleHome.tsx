import { Navigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';

/**
 * Where each role's day starts in the console: the operations centre on the dashboard, enforcement
 * officers on their desk, handling units on the cases dispatched to them, cadres on their
 * committee's today (check-ins due, coverage, cases), patrol officers on coverage, administrators
 * on the setup checklist. A role
 * without the home's permission falls back to the sites page, which every role may read.
 */
export const ROLE_HOME: Record<string, { to: string; permission: string }> = {
  operator: { to: '/dashboard', permission: 'dashboard.read' },
  leader: { to: '/dashboard', permission: 'dashboard.read' },
  enforcement: { to: '/enforcement', permission: 'enforcement.read' },
  handler: { to: '/cases?queue=mine', permission: 'cases.read' },
  cadre: { to: '/today', permission: 'coverage.read' },
  patrol: { to: '/coverage', permission: 'coverage.read' },
  admin: { to: '/setup', permission: 'setup.read' },
};

export function homePathOf(role: string, can: (p: string) => boolean): string {
  const home = ROLE_HOME[role];
  return home && can(home.permission) ? home.to : '/sites';
}

/** The console's "/": sends the person to their role's home. */
export function RoleHome() {
  const { me, can } = useAuth();
  return <Navigate to={homePathOf(me?.user.role ?? '', can)} replace />;
}
