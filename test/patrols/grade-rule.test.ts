import { describe, expect, it } from 'vitest';
import { type GradeInputs, gradeFor } from '../../src/domain/compliance/grade-rule.js';

const clean: GradeInputs = { inspections: 2, failedInspections: 0, lastInspectionFailed: false, lastInspectionOpenCases: 0, openCases: 0, reportedCases: 0, enforcementActions: 0 };

describe('compliance grade rule', () => {
  it('is green for an inspected site with a clean record', () => {
    expect(gradeFor(clean)).toEqual({ grade: 'green', reasons: ['clean_record'] });
  });
  it('is yellow for a site never inspected, or with a problem found and dealt with', () => {
    expect(gradeFor({ ...clean, inspections: 0 })).toEqual({ grade: 'yellow', reasons: ['not_inspected'] });
    expect(gradeFor({ ...clean, failedInspections: 1, lastInspectionFailed: true })).toMatchObject({ grade: 'yellow' });
    expect(gradeFor({ ...clean, reportedCases: 1 })).toMatchObject({ grade: 'yellow' });
    expect(gradeFor({ ...clean, openCases: 1 })).toMatchObject({ grade: 'yellow' });
  });
  it('is red on enforcement, repeated failures, several open cases or an unresolved last failure', () => {
    expect(gradeFor({ ...clean, enforcementActions: 1 })).toEqual({ grade: 'red', reasons: ['enforcement_action'] });
    expect(gradeFor({ ...clean, failedInspections: 2 })).toEqual({ grade: 'red', reasons: ['repeated_failures'] });
    expect(gradeFor({ ...clean, openCases: 2 })).toEqual({ grade: 'red', reasons: ['several_open_cases'] });
    expect(gradeFor({ ...clean, failedInspections: 1, lastInspectionFailed: true, lastInspectionOpenCases: 1, openCases: 1 })).toEqual({ grade: 'red', reasons: ['last_failure_unresolved'] });
  });
});
