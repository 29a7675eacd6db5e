import type { SiteKind } from '../types';

/** Marker colours by kind, also used for legend swatches in lists. */
export const KIND_COLORS: Record<SiteKind, string> = {
  bin_room: '#15803d',
  institution: '#1d4ed8',
  shop: '#c2410c',
};
