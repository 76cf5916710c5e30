/**
 * clinical-mlops: a clinical MLOps platform on Docker, declared level by level.
 * `clinical-mlops:levels` in stack config decides which levels run; see README.md.
 */
import { readStackConfig } from "./config";
import { createPlatform } from "./levels/platform";

const platform = createPlatform(readStackConfig());

export const levels = platform.levels;
export const accessPoints = platform.accessPoints;
export const connections = platform.connections;
export const passwords = platform.passwords;
export const jobs = platform.jobs;
