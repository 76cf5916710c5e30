import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

import { createS3Client, type S3Env } from "../src/s3";

/** An s3rver instance on 127.0.0.1 with its data in a temporary directory. */
export interface TestS3Server {
  env: S3Env;
  client: S3Client;
  /** Lists every key under a prefix, in lexicographic order. */
  listKeys(prefix?: string): Promise<string[]>;
  /** Reads a whole object. */
  getObject(key: string): Promise<{ body: Buffer; contentEncoding: string | undefined }>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port with one empty bucket. */
export async function startTestS3Server(bucket = "clinical-mlops"): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();

  // s3rver accepts any signature made with its documented S3RVER credentials.
  const env: S3Env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_BUCKET: bucket,
  };
  const client = createS3Client(env);

  return {
    env,
    client,
    listKeys: (prefix = "") => listKeys(client, bucket, prefix),
    async getObject(key) {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await response.Body?.transformToByteArray();
      return { body: Buffer.from(bytes ?? []), contentEncoding: response.ContentEncoding };
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: continuationToken,
      }),
    );
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
    continuationToken = page.NextContinuationToken;
  } while (continuationToken);
  return keys.sort();
}
