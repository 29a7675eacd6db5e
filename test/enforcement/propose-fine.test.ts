import { describe, expect, it } from 'vitest';
import { proposeFine } from '../../src/domain/enforcement/history.js';
import type { LegalBasisVersionDto } from '../../src/domain/enforcement/legal-basis.js';
import { formatNumber } from '../../src/domain/enforcement/numbering.js';
import { SEED_LEGAL_BASES } from '../../src/domain/enforcement/seed-enforcement.js';

const basis = (bands: LegalBasisVersionDto['bands'], fineMin: number, fineMax: number) =>
  ({ bands, fineMin, fineMax }) as unknown as LegalBasisVersionDto;

describe('fine proposal from discretion bands', () => {
  const art57 = SEED_LEGAL_BASES.find((b) => b.code === 'SH-DWMR-57')!;
  const seeded = basis(art57.bands.map((b) => ({ ...b, wasteType: b.wasteType ?? null })), art57.fineMin, art57.fineMax);

  it('picks first or repeat by previous violations, with the legal range of the subject class', () => {
    expect(proposeFine(seeded, 'unit', 0)).toMatchObject({ offence: 'first', proposed: 5000, legalMin: 5000, legalMax: 50000 });
    expect(proposeFine(seeded, 'unit', 2)).toMatchObject({ offence: 'repeat', proposed: 20000, priorViolations: 2 });
    expect(proposeFine(seeded, 'individual', 0)).toMatchObject({ offence: 'first', proposed: 50, legalMin: 50, legalMax: 200 });
    expect(proposeFine(seeded, 'individual', 1)).toMatchObject({ offence: 'repeat', proposed: 100, band: { min: 100, max: 200 } });
  });

  it('uses a waste-type band where the table has one, else the general band', () => {
    const banded = basis(
      [
        { subject: 'unit', offence: 'first', wasteType: null, min: 5000, max: 20000, proposed: 5000 },
        { subject: 'unit', offence: 'first', wasteType: 'hazardous', min: 10000, max: 30000, proposed: 10000 },
        { subject: 'unit', offence: 'repeat', wasteType: null, min: 20000, max: 50000, proposed: 20000 },
      ],
      5000,
      50000,
    );
    expect(proposeFine(banded, 'unit', 0, 'hazardous')).toMatchObject({ proposed: 10000, band: { wasteType: 'hazardous' } });
    expect(proposeFine(banded, 'unit', 0, 'wet')).toMatchObject({ proposed: 5000, band: { wasteType: null } });
    expect(proposeFine(banded, 'unit', 1, 'hazardous')).toMatchObject({ proposed: 20000, offence: 'repeat' });
  });

  it('formats document numbers from the configured pattern', () => {
    expect(formatNumber('{office}责改字〔{year}〕第{seq4}号', '长城管(虹桥)', 2026, 1)).toBe('长城管(虹桥)责改字〔2026〕第0001号');
    expect(formatNumber('{office}罚决字〔{year}〕{seq}号', '长城管(仙霞)', 2027, 12345)).toBe('长城管(仙霞)罚决字〔2027〕12345号');
  });
});
