import type { ConsumedRecord } from "../../shared/src/kafka-consumer";

// UTC form that producers write, with the date and the hour as groups.
const UTC_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;
// A date and time that ends in Z or a +hh:mm or -hh:mm offset. Date.parse reads a time without
// an offset as local time, which would make the placement depend on the process's time zone.
const TIME_WITH_OFFSET = /T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_CACHED_DATES = 10_000;
const calendarDates = new Map<string, boolean>();
// ECMAScript dates span 8.64e15 ms either side of the epoch; toISOString throws beyond that.
const MAX_DATE_MILLIS = 8.64e15;
// Years outside 0000 to 9999 are written as +YYYYYY or -YYYYYY.
const FOUR_DIGIT_YEAR = /^\d{4}-/;

/** One NDJSON line of the bronze layer and the UTC date and hour that place it. */
export interface BronzeEntry {
  /** `YYYY-MM-DD` in UTC. */
  dt: string;
  /** `00` to `23` in UTC. */
  hour: string;
  /** JSON without a trailing newline. */
  line: string;
  /** Source of `dt` and `hour`. */
  timeSource: "eventTime" | "kafkaTimestamp";
}

/** Placement of one bronze object. Offsets are inclusive and belong to `partition`. */
export interface BronzeObjectLocation {
  prefix: string;
  topic: string;
  dt: string;
  hour: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
  /** Distinguishes two objects over the same offsets, which a replay after a crash can write. */
  uniqueId: string;
}

/**
 * Converts a consumed record into its bronze line. The line keeps the Kafka coordinates and
 * the record id so that downstream can drop duplicates. A value that is not JSON is kept as
 * base64 with the parse error, so nothing is dropped.
 */
export function toBronzeEntry(record: ConsumedRecord): BronzeEntry {
  const text = record.value.toString("utf8");
  // Kafka's own representation, milliseconds since the epoch, is exact and cheap to write.
  const coordinates =
    `{"topic":${JSON.stringify(record.topic)},"partition":${record.partition}` +
    `,"offset":${record.offset},"kafkaTimestamp":${record.timestamp}`;

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const { dt, hour } = kafkaTimePlacement(record);
    const line =
      `${coordinates},"recordId":null,"error":${JSON.stringify(`invalid JSON: ${String(error)}`)}` +
      `,"rawValueBase64":${JSON.stringify(record.value.toString("base64"))}}`;
    return { dt, hour, line, timeSource: "kafkaTimestamp" };
  }

  const fields = isObject(parsed) ? parsed : {};
  const recordId = typeof fields.recordId === "string" ? fields.recordId : null;
  const eventPlacement = eventTimePlacement(fields.eventTime);
  const { dt, hour } = eventPlacement ?? kafkaTimePlacement(record);

  // The value is embedded as received unless it spans lines, which would break NDJSON.
  const embedded = /[\r\n]/.test(text) ? JSON.stringify(parsed) : text;
  const line = `${coordinates},"recordId":${JSON.stringify(recordId)},"record":${embedded}}`;
  return { dt, hour, line, timeSource: eventPlacement ? "eventTime" : "kafkaTimestamp" };
}

/**
 * Returns the object key `<prefix>/<topic>/dt=<dt>/hour=<hour>/<file>`. The file name is
 * `p<partition>-<first offset>-<last offset>-<unique id>.ndjson.gz` with zero-padded numbers,
 * so names sort by partition and offset and overlapping offset ranges are visible.
 */
export function bronzeObjectKey(location: BronzeObjectLocation): string {
  const partition = String(location.partition).padStart(3, "0");
  // 19 digits hold any non-negative 64-bit offset.
  const first = location.firstOffset.toString().padStart(19, "0");
  const last = location.lastOffset.toString().padStart(19, "0");
  const file = `p${partition}-${first}-${last}-${location.uniqueId}.ndjson.gz`;
  return `${location.prefix}/${location.topic}/dt=${location.dt}/hour=${location.hour}/${file}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Returns the UTC date and hour of an ISO 8601 event time, or undefined when it is invalid or
 * has no UTC offset.
 */
function eventTimePlacement(value: unknown): { dt: string; hour: string } | undefined {
  if (typeof value !== "string") {
    return undefined;
  }

  // Date.parse rolls a day that does not exist, such as 2023-02-29, over to the next month,
  // so the date is checked on its own.
  const datePart = DATE_PREFIX.exec(value)?.[0];
  if (datePart === undefined || !isCalendarDate(datePart)) {
    return undefined;
  }

  // Fast path: in the UTC form the date and the hour are in the string.
  const match = UTC_TIME.exec(value);
  if (match) {
    return { dt: match[1], hour: match[2] };
  }
  if (!TIME_WITH_OFFSET.test(value)) {
    return undefined;
  }
  const iso = isoFromMillis(Date.parse(value));
  return iso === undefined ? undefined : splitIsoTime(iso);
}

/**
 * Returns the UTC date and hour of the Kafka timestamp, or of the Unix epoch when the timestamp
 * is out of range or negative: Kafka sends -1 for a record without a timestamp.
 */
function kafkaTimePlacement(record: ConsumedRecord): { dt: string; hour: string } {
  const iso = record.timestamp >= 0n ? isoFromMillis(Number(record.timestamp)) : undefined;
  return splitIsoTime(iso ?? "1970-01-01T00:00:00.000Z");
}

/** Returns ISO 8601 UTC for years 0000 to 9999, the range that `dt=YYYY-MM-DD` can hold. */
function isoFromMillis(millis: number): string | undefined {
  if (!Number.isFinite(millis) || Math.abs(millis) > MAX_DATE_MILLIS) {
    return undefined;
  }
  const iso = new Date(millis).toISOString();
  return FOUR_DIGIT_YEAR.test(iso) ? iso : undefined;
}

/** Returns true when `YYYY-MM-DD` names a day that exists. Caches results, as days repeat. */
function isCalendarDate(date: string): boolean {
  let valid = calendarDates.get(date);
  if (valid === undefined) {
    const millis = Date.parse(`${date}T00:00:00.000Z`);
    valid = !Number.isNaN(millis) && new Date(millis).toISOString().startsWith(date);
    if (calendarDates.size >= MAX_CACHED_DATES) {
      calendarDates.clear();
    }
    calendarDates.set(date, valid);
  }
  return valid;
}

function splitIsoTime(iso: string): { dt: string; hour: string } {
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}
