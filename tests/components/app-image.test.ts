import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { appSourceHash } from "../../components/app-image";
import { ImageRegistry, imageSlug } from "../../components/images";
import "../helpers/mocks";

function writeFile(root: string, relative: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), content);
}

describe("appSourceHash", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "app-hash-"));
    writeFile(root, "package-lock.json", "{}");
    writeFile(root, "apps/shared/src/env.ts", "export const a = 1;");
    writeFile(root, "apps/gateway/src/main.ts", "main();");
    writeFile(root, "apps/other/src/main.ts", "other();");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("is stable for an unchanged tree", () => {
    assert.equal(appSourceHash("gateway", root), appSourceHash("gateway", root));
    assert.match(appSourceHash("gateway", root), /^[a-f0-9]{16}$/);
  });

  it("changes with the app's own sources", () => {
    const before = appSourceHash("gateway", root);
    writeFile(root, "apps/gateway/src/main.ts", "main(); // changed");
    assert.notEqual(appSourceHash("gateway", root), before);
  });

  it("changes with shared code and the lock file", () => {
    const before = appSourceHash("gateway", root);
    writeFile(root, "apps/shared/src/env.ts", "export const a = 2;");
    const afterShared = appSourceHash("gateway", root);
    assert.notEqual(afterShared, before);
    writeFile(root, "package-lock.json", '{"lockfileVersion":3}');
    assert.notEqual(appSourceHash("gateway", root), afterShared);
  });

  it("changes with the app's Dockerfile", () => {
    const before = appSourceHash("gateway", root);
    writeFile(root, "apps/gateway/Dockerfile", "FROM node:24.20.0-alpine3.24");
    assert.notEqual(appSourceHash("gateway", root), before);
  });

  it("ignores other apps, tests, node_modules and build output", () => {
    const before = appSourceHash("gateway", root);
    writeFile(root, "apps/gateway/tests/main.test.ts", "test();");
    writeFile(root, "apps/shared/tests/env.test.ts", "test();");
    writeFile(root, "apps/other/src/main.ts", "other(); // changed");
    writeFile(root, "apps/gateway/node_modules/x/index.js", "x");
    writeFile(root, "apps/gateway/dist/main.js", "compiled");
    assert.equal(appSourceHash("gateway", root), before);
  });
});

describe("ImageRegistry", () => {
  it("rejects two references with one resource name", () => {
    const registry = new ImageRegistry("slug-clash");
    registry.pull("a.b/c:1");
    assert.throws(
      () => registry.pull("a-b/c:1"),
      /Image references "a\.b\/c:1" and "a-b\/c:1" map to the same resource name slug-clash-a-b-c-1/,
    );
  });
});

describe("imageSlug", () => {
  const table: [string, string][] = [
    ["postgres:15.19-bookworm", "postgres-15-19-bookworm"],
    [
      "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
      "quay-io-minio-minio-release-2025-09-07t16-13-09z",
    ],
    [`redis@sha256:${"ab".repeat(32)}`, "redis-abababababab"],
  ];
  for (const [reference, slug] of table) {
    it(`turns ${reference} into ${slug}`, () => {
      assert.equal(imageSlug(reference), slug);
    });
  }
});
