import { z } from "zod";
import {
  bearerTokenVar,
  commonEnvShape,
  decimalVar,
  httpUrlVar,
  intVar,
} from "../../shared/src/env";
import { kafkaEnvShape } from "../../shared/src/kafka";

const rate = (defaultValue: number) => decimalVar({ min: 0, max: 1, default: defaultValue });

/** Environment of the kafka-producer. */
export const producerEnvSchema = z.object({
  ...commonEnvShape,
  ...kafkaEnvShape,
  GATEWAY_URL: httpUrlVar("http://data-gateway:8080"),
  GATEWAY_TOKEN: bearerTokenVar("<the data gateway's token>"),
  SEED: z.string().min(1).default("clinical-mlops").meta({ example: "clinical-mlops" }),
  /**
   * Mixed into record ids only. Defaults to the start time, so a restart with the same seed
   * repeats the data with new ids; set it to repeat the ids too.
   */
  RUN_ID: z.string().min(1).optional().meta({ example: "2024-05-01T00:00:00Z" }),
  PATIENT_COUNT: intVar({ min: 1, max: 1_000_000, default: 200 }),
  TRIAL_COUNT: intVar({ min: 1, max: 99, default: 3 }),
  SITES_PER_TRIAL: intVar({ min: 1, max: 99, default: 4 }),
  RECORDS_PER_SECOND: decimalVar({ min: 0, exclusiveMin: true, max: 100_000, default: 20 }),
  /** Probability that a vital signs set or lab value is abnormal. */
  ABNORMAL_RATE: rate(0.05),
  /** Probability that a lab value is reported in an alternative unit. */
  ALTERNATIVE_UNIT_RATE: rate(0.3),
  LAB_BATCH_SIZE: intVar({ min: 1, max: 500, default: 50 }),
});

export type ProducerEnv = z.output<typeof producerEnvSchema>;
