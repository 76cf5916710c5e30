import type {
  AdverseEvent,
  DOSE_UNITS,
  MedicationAdministration,
  ROUTES,
} from "../../shared/src/records";
import type { Prng } from "./prng";
import type { Patient, Trial } from "./roster";

type DoseUnit = (typeof DOSE_UNITS)[number];
type Route = (typeof ROUTES)[number];

interface ConcomitantMedication {
  name: string;
  /** WHO ATC code. */
  atcCode: string;
  doses: number[];
  doseUnit: DoseUnit;
  routes: Route[];
}

/** Common concomitant medications of hospital trial patients, with usual adult doses. */
export const CONCOMITANT_MEDICATIONS: readonly ConcomitantMedication[] = [
  {
    name: "Paracetamol",
    atcCode: "N02BE01",
    doses: [500, 1000],
    doseUnit: "mg",
    routes: ["oral"],
  },
  {
    name: "Ondansetron",
    atcCode: "A04AA01",
    doses: [4, 8],
    doseUnit: "mg",
    routes: ["oral", "intravenous"],
  },
  {
    name: "Metformin",
    atcCode: "A10BA02",
    doses: [500, 850, 1000],
    doseUnit: "mg",
    routes: ["oral"],
  },
  {
    name: "Enoxaparin",
    atcCode: "B01AB05",
    doses: [40],
    doseUnit: "mg",
    routes: ["subcutaneous"],
  },
  {
    name: "Ceftriaxone",
    atcCode: "J01DD04",
    doses: [1, 2],
    doseUnit: "g",
    routes: ["intravenous", "intramuscular"],
  },
  {
    name: "Salbutamol",
    atcCode: "R03AC02",
    doses: [100, 200],
    doseUnit: "mcg",
    routes: ["inhalation"],
  },
  {
    name: "Insulin glargine",
    atcCode: "A10AE04",
    doses: [10, 14, 20, 26],
    doseUnit: "IU",
    routes: ["subcutaneous"],
  },
  {
    name: "Omeprazole",
    atcCode: "A02BC01",
    doses: [20, 40],
    doseUnit: "mg",
    routes: ["oral"],
  },
  {
    name: "Morphine",
    atcCode: "N02AA01",
    doses: [2, 4],
    doseUnit: "mg",
    routes: ["intravenous"],
  },
  {
    name: "Hydrocortisone",
    atcCode: "D07AA02",
    doses: [1],
    doseUnit: "g",
    routes: ["topical"],
  },
];

/** Share of medication administrations that are the study drug (or its placebo). */
export const STUDY_DRUG_SHARE = 0.4;

type RecordBase = Pick<
  MedicationAdministration,
  "recordId" | "schemaVersion" | "patientId" | "trialId" | "siteId" | "armId" | "eventTime"
>;

/** Draws a medication administration: the study drug, its placebo, or a concomitant drug. */
export function drawMedication(
  random: Prng,
  base: RecordBase,
  patient: Patient,
  trial: Trial,
): MedicationAdministration {
  if (random.chance(STUDY_DRUG_SHARE)) {
    return {
      ...base,
      recordType: "medication-administration",
      medicationName: patient.experimental ? trial.studyDrug : "Placebo",
      atcCode: null,
      isStudyDrug: true,
      // A matching placebo is given at the study drug's nominal dose, as in a blinded trial.
      dose: trial.studyDrugDoseMg,
      doseUnit: "mg",
      route: trial.studyDrugRoute,
    };
  }

  const medication = random.pick(CONCOMITANT_MEDICATIONS);
  return {
    ...base,
    recordType: "medication-administration",
    medicationName: medication.name,
    atcCode: medication.atcCode,
    isStudyDrug: false,
    dose: random.pick(medication.doses),
    doseUnit: medication.doseUnit,
    route: random.pick(medication.routes),
  };
}

/** MedDRA preferred terms of common adverse events in drug trials, with relative frequencies. */
export const ADVERSE_EVENT_TERMS: readonly (readonly [string, number])[] = [
  ["Nausea", 14],
  ["Fatigue", 14],
  ["Headache", 11],
  ["Diarrhoea", 10],
  ["Vomiting", 7],
  ["Rash", 7],
  ["Pyrexia", 6],
  ["Dizziness", 6],
  ["Insomnia", 5],
  ["Anaemia", 5],
  ["Neutropenia", 4],
  ["Alanine aminotransferase increased", 4],
  ["Hypertension", 4],
  ["Dyspnoea", 3],
];

/** Default relative frequencies of CTCAE grades 1 to 5; each grade is rarer than the one below. */
export const DEFAULT_GRADE_WEIGHTS: readonly number[] = [0.55, 0.27, 0.12, 0.045, 0.015];

/**
 * Draws an adverse event. Grades follow `gradeWeights`; grades 4 and 5 are serious, grade 3 is
 * serious half of the time, and grade 5 has the outcome `fatal`.
 */
export function drawAdverseEvent(
  random: Prng,
  base: RecordBase,
  gradeWeights: readonly number[],
): AdverseEvent {
  const grade = random.weighted(gradeWeights.map((weight, index) => [index + 1, weight] as const));
  const serious = grade >= 4 || (grade === 3 && random.chance(0.5)) || random.chance(0.02);
  const outcome: AdverseEvent["outcome"] =
    grade === 5
      ? "fatal"
      : random.weighted([
          ["recovered", 50],
          ["recovering", 30],
          ["not-recovered", 12],
          ["unknown", 8],
        ] as const);

  return {
    ...base,
    recordType: "adverse-event",
    term: random.weighted(ADVERSE_EVENT_TERMS),
    ctcaeGrade: grade,
    serious,
    outcome,
    causality: random.weighted([
      ["not-related", 35],
      ["unlikely", 25],
      ["possible", 25],
      ["probable", 10],
      ["definite", 5],
    ] as const),
  };
}
