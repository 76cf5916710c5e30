import type { VitalSigns } from "../../shared/src/records";
import type { Prng } from "./prng";
import type { Patient } from "./roster";

export type VitalSign =
  | "heartRateBpm"
  | "systolicBpMmHg"
  | "diastolicBpMmHg"
  | "temperatureCelsius"
  | "spo2Percent"
  | "respiratoryRatePerMin";

interface VitalRange {
  /** Normal adult resting range, inclusive. */
  normal: [number, number];
  /** Ranges of abnormal values below and above normal; null where none is generated. */
  low: [number, number] | null;
  high: [number, number] | null;
  /** Measurement spread around the patient's baseline. */
  standardDeviation: number;
  decimals: number;
}

/**
 * Ranges of generated vital signs. Normal values stay inside `normal`; an abnormal measurement
 * has one sign in its `low` or `high` range. The normal ranges of pulse, respiration rate, SpO2
 * and temperature are bands of the National Early Warning Score 2 (Royal College of Physicians,
 * 2017): pulse and SpO2 (scale 1) score 0 or 1 there, respiration rate and temperature score 0.
 * Normal blood pressure is 101-150 over 55-95 mmHg.
 */
export const VITAL_RANGES: Readonly<Record<VitalSign, VitalRange>> = {
  heartRateBpm: {
    normal: [51, 110],
    low: [35, 50],
    high: [111, 170],
    standardDeviation: 6,
    decimals: 0,
  },
  systolicBpMmHg: {
    normal: [101, 150],
    low: [75, 100],
    high: [151, 210],
    standardDeviation: 8,
    decimals: 0,
  },
  diastolicBpMmHg: {
    normal: [55, 95],
    low: [40, 54],
    high: [96, 125],
    standardDeviation: 6,
    decimals: 0,
  },
  temperatureCelsius: {
    normal: [36.1, 38.0],
    low: [34.5, 36.0],
    high: [38.1, 40.5],
    standardDeviation: 0.25,
    decimals: 1,
  },
  spo2Percent: { normal: [94, 100], low: [80, 93], high: null, standardDeviation: 1, decimals: 0 },
  respiratoryRatePerMin: {
    normal: [12, 20],
    low: [6, 11],
    high: [21, 32],
    standardDeviation: 2,
    decimals: 0,
  },
};

const VITAL_SIGNS = Object.keys(VITAL_RANGES) as VitalSign[];

/** Returns true when every vital sign of `vitals` is inside its normal range. */
export function isNormalVitals(vitals: VitalSigns): boolean {
  return VITAL_SIGNS.every((sign) => {
    const [low, high] = VITAL_RANGES[sign].normal;
    return vitals[sign] >= low && vitals[sign] <= high;
  });
}

export type VitalValues = Pick<VitalSigns, VitalSign>;

/**
 * Draws one set of vital signs around the patient's baseline. With probability `abnormalRate`
 * one sign, chosen uniformly, gets a value from its abnormal range.
 */
export function drawVitalValues(random: Prng, patient: Patient, abnormalRate: number): VitalValues {
  const values = {} as VitalValues;
  for (const sign of VITAL_SIGNS) {
    const range = VITAL_RANGES[sign];
    const drawn = random.normal(patient.baseline[sign], range.standardDeviation);
    values[sign] = round(clamp(drawn, range.normal[0], range.normal[1]), range.decimals);
  }

  if (random.chance(abnormalRate)) {
    const sign = random.pick(VITAL_SIGNS);
    const range = VITAL_RANGES[sign];
    const sides = [range.low, range.high].filter((side) => side !== null);
    const [min, max] = random.pick(sides);
    values[sign] = round(random.uniform(min, max), range.decimals);
  }

  // Keep a pulse pressure of at least 20 mmHg. A high diastolic value raises the systolic one
  // rather than being lowered, so the abnormal value survives.
  if (values.diastolicBpMmHg > VITAL_RANGES.diastolicBpMmHg.normal[1]) {
    values.systolicBpMmHg = Math.max(values.systolicBpMmHg, values.diastolicBpMmHg + 30);
  } else {
    values.diastolicBpMmHg = Math.min(values.diastolicBpMmHg, values.systolicBpMmHg - 20);
  }
  return values;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
