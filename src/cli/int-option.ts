import { InvalidArgumentError } from 'commander';

/**
 * A whole-number option (`--days 30`): decimal digits only, within [min, max]. Number.parseInt
 * read `abc` as NaN and `12abc` as 12, so a typo ran the command with a number nobody asked for.
 */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const v = value.trim();
    if (!/^[+-]?\d+$/.test(v)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got ${value}`);
    return n;
  };
}
