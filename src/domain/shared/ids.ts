import { uuidv7 } from 'uuidv7';

/** Globally unique, time-ordered ids (UUIDv7) so data from many subdistricts merges cleanly. */
export const newId = (): string => uuidv7();
