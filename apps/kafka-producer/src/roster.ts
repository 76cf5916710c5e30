import { Prng } from "./prng";

export interface Trial {
  trialId: string;
  /** Investigational product given in the experimental arm, for example `CM-101`. */
  studyDrug: string;
  /** Dose of the investigational product in mg. */
  studyDrugDoseMg: number;
  studyDrugRoute: "oral" | "intravenous";
  /** Arm ids: the experimental arm first, then the placebo arm. */
  armIds: [string, string];
}

export interface Patient {
  patientId: string;
  trialId: string;
  siteId: string;
  armId: string;
  /** True for the experimental arm, false for placebo. */
  experimental: boolean;
  /** Personal baselines, so each patient's vital signs vary around their own values. */
  baseline: {
    heartRateBpm: number;
    systolicBpMmHg: number;
    diastolicBpMmHg: number;
    temperatureCelsius: number;
    spo2Percent: number;
    respiratoryRatePerMin: number;
  };
}

export interface Roster {
  trials: Trial[];
  /** Site ids by trial id. */
  sitesByTrial: Map<string, string[]>;
  patients: Patient[];
}

export interface RosterOptions {
  seed: string;
  trialCount: number;
  sitesPerTrial: number;
  patientCount: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * Builds the trials, sites and patients for a seed. The roster depends only on its options, so
 * every run with the same seed has the same patients. Patients are assigned to trials and sites
 * uniformly and randomised 1:1 between the experimental and placebo arms.
 */
export function createRoster(options: RosterOptions): Roster {
  const random = new Prng(`${options.seed}/roster`);
  const trials: Trial[] = [];
  const sitesByTrial = new Map<string, string[]>();

  for (let t = 1; t <= options.trialCount; t++) {
    const trialId = `TRIAL-${pad(t)}`;
    trials.push({
      trialId,
      studyDrug: `CM-${100 + t}`,
      studyDrugDoseMg: random.pick([50, 100, 200, 400]),
      studyDrugRoute: random.pick(["oral", "intravenous"] as const),
      armIds: [`${trialId}-A`, `${trialId}-B`],
    });
    const sites: string[] = [];
    for (let s = 1; s <= options.sitesPerTrial; s++) {
      sites.push(`SITE-${pad(t)}-${pad(s)}`);
    }
    sitesByTrial.set(trialId, sites);
  }

  const patientIds = new Set<string>();
  const patients: Patient[] = [];
  while (patients.length < options.patientCount) {
    const patientId = `PT-${random.hex(12)}`;
    if (patientIds.has(patientId)) {
      continue;
    }
    patientIds.add(patientId);

    const trial = random.pick(trials);
    const experimental = random.chance(0.5);
    patients.push({
      patientId,
      trialId: trial.trialId,
      siteId: random.pick(sitesByTrial.get(trial.trialId) ?? []),
      armId: experimental ? trial.armIds[0] : trial.armIds[1],
      experimental,
      baseline: createBaseline(random),
    });
  }

  return { trials, sitesByTrial, patients };
}

// Adult resting values; the spreads keep almost every baseline inside the normal ranges in
// vitals.ts, where values are clamped anyway.
function createBaseline(random: Prng): Patient["baseline"] {
  const systolic = random.normal(122, 10);
  return {
    heartRateBpm: random.normal(74, 8),
    systolicBpMmHg: systolic,
    diastolicBpMmHg: 0.45 * systolic + random.normal(23, 5),
    temperatureCelsius: random.normal(36.8, 0.2),
    spo2Percent: random.normal(97.5, 0.8),
    respiratoryRatePerMin: random.normal(15, 2),
  };
}
