/**
 * UUIDs as CDS Hooks uses them (hookInstance, card and suggestion uuids). RFC 9562 compares UUIDs
 * case-insensitively, and clients that keep ids as URNs send `urn:uuid:<uuid>` (the CDS Hooks 3.0
 * logical model reads a card uuid with that prefix): the one spelling kept here is the bare uuid in
 * lower case, the spelling `crypto.randomUUID` gives the cards this service issues.
 */
const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `A3F4...` or `urn:uuid:a3f4...` -> `a3f4...` (lower case, no prefix, trimmed); undefined when not a UUID. */
export function normalisedUuid(value: string): string | undefined {
  return UUID.exec(value.trim())?.[1]?.toLowerCase();
}

/** A card or suggestion id to compare with the ones issued: its normalised UUID, else the id as sent (unmatched). */
export function comparableId(value: string): string {
  return normalisedUuid(value) ?? value;
}

/** What logs carry for a hookInstance that is not a UUID: the value may be anything, a name or an MRN. */
export const NOT_A_UUID = '(not a UUID)';

/**
 * A hookInstance as logs may carry it: its normalised UUID, else the marker, never the value sent.
 * CDS Hooks 2.0 makes it "a universally unique identifier (UUID) for this particular hook call"; a
 * call with another one is still answered (what clients send is tolerated), only never recorded as sent.
 */
export function loggableHookInstance(value: string): string {
  return normalisedUuid(value) ?? NOT_A_UUID;
}
