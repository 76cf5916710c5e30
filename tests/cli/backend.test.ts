import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { resolveBackend } from "../../cli/backend";
import { makeTempDir } from "./helpers/context";

describe("resolveBackend", () => {
  let root: string;

  beforeEach(() => {
    root = makeTempDir("backend");
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("defaults to a file backend and a new passphrase file", () => {
    const settings = resolveBackend(root, {}, undefined);
    const passphraseFile = path.join(root, ".pulumi-state", "passphrase");

    assert.equal(settings.backendUrl, `file://${root}/.pulumi-state`);
    assert.deepEqual(settings.envVars, {
      PULUMI_BACKEND_URL: `file://${root}/.pulumi-state`,
      PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
    });
    assert.equal(settings.createdPassphraseFile, passphraseFile);
    assert.equal(fs.statSync(passphraseFile).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(passphraseFile, "utf8"), /^[A-Za-z0-9_-]{43}\n$/);
  });

  it("creates the passphrase only once", () => {
    resolveBackend(root, {}, undefined);
    const passphraseFile = path.join(root, ".pulumi-state", "passphrase");
    const first = fs.readFileSync(passphraseFile, "utf8");

    const second = resolveBackend(root, {}, undefined);

    assert.equal(second.createdPassphraseFile, undefined);
    assert.equal(fs.readFileSync(passphraseFile, "utf8"), first);
  });

  it("uses PULUMI_BACKEND_URL when set", () => {
    const settings = resolveBackend(root, { PULUMI_BACKEND_URL: "s3://bucket/state" }, undefined);
    assert.equal(settings.envVars.PULUMI_BACKEND_URL, "s3://bucket/state");
  });

  it("prefers --backend over PULUMI_BACKEND_URL", () => {
    const settings = resolveBackend(
      root,
      { PULUMI_BACKEND_URL: "s3://bucket/state" },
      "file:///srv/state",
    );
    assert.equal(settings.envVars.PULUMI_BACKEND_URL, "file:///srv/state");
    assert.equal(fs.existsSync(path.join(root, ".pulumi-state", "passphrase")), true);
  });

  it("passes PULUMI_CONFIG_PASSPHRASE through, even when empty", () => {
    const settings = resolveBackend(root, { PULUMI_CONFIG_PASSPHRASE: "" }, undefined);
    assert.deepEqual(settings.envVars, {
      PULUMI_BACKEND_URL: `file://${root}/.pulumi-state`,
      PULUMI_CONFIG_PASSPHRASE: "",
    });
    assert.equal(fs.existsSync(path.join(root, ".pulumi-state", "passphrase")), false);
  });

  it("passes PULUMI_CONFIG_PASSPHRASE_FILE through", () => {
    const settings = resolveBackend(
      root,
      { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pass" },
      undefined,
    );
    assert.equal(settings.envVars.PULUMI_CONFIG_PASSPHRASE_FILE, "/run/secrets/pass");
    assert.equal(settings.createdPassphraseFile, undefined);
    assert.equal(fs.existsSync(path.join(root, ".pulumi-state", "passphrase")), false);
  });
});
