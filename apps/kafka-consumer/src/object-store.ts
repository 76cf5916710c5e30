import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/** Destination of finished bronze objects. Tests wrap it to delay or fail writes. */
export interface ObjectStore {
  /** Resolves once the object is durably stored. */
  putObject(key: string, body: Buffer): Promise<void>;
}

/** ObjectStore on one S3 bucket. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async putObject(key: string, body: Buffer): Promise<void> {
    // The body is a .gz file, not a transfer encoding: without Content-Encoding, HTTP clients
    // hand the compressed bytes to the reader instead of decompressing them on download.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: "application/gzip",
      }),
    );
  }
}
