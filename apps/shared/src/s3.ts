import {
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { z } from "zod";
import { httpUrlVar } from "./env";

/** Environment variables of an S3 client, to spread into an app's env schema. */
export const s3EnvShape = {
  S3_ENDPOINT: httpUrlVar("http://minio:9000"),
  S3_REGION: z.string().default("us-east-1").meta({ example: "us-east-1" }),
  S3_ACCESS_KEY_ID: z.string().meta({ example: "<MinIO access key>", secret: true }),
  S3_SECRET_ACCESS_KEY: z.string().meta({ example: "<MinIO secret key>", secret: true }),
  // S3 bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens.
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name")
    .default("clinical-mlops")
    .meta({ example: "clinical-mlops" }),
};

const s3EnvSchema = z.object(s3EnvShape);

export type S3Env = z.output<typeof s3EnvSchema>;

/** Creates a path-style S3 client, which MinIO and other S3-compatible servers need. */
export function createS3Client(env: S3Env): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    },
  });
}

/**
 * Creates the bucket unless it exists. Throws when the server is unreachable or denies access,
 * so callers can retry until the object store is ready.
 */
export async function ensureBucket(
  client: S3Client,
  bucket: string,
): Promise<"existed" | "created"> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return "existed";
  } catch (error) {
    if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode !== 404) {
      throw error;
    }
  }

  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    // Another writer may have created the bucket between the two requests.
    if (!(error instanceof S3ServiceException) || error.name !== "BucketAlreadyOwnedByYou") {
      throw error;
    }
  }
  return "created";
}
