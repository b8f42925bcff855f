/// <reference types="node" />
// vitest's global setup: builds the UI tests' host (src-tauri/src/test_host.rs) before
// any file runs, so the tests never meet a host older than the commands they test.
// Cargo does nothing when it is up to date.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup() {
  // Set by a runner that has just built it (and by several runs sharing one build).
  if (process.env.WAYMARK_TEST_HOST_BUILT === "1") return;
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const built = spawnSync(
    "cargo",
    ["build", "--quiet", "-p", "waymark", "--features", "test-host", "--bin", "waymark-test-host"],
    { cwd: root, stdio: "inherit" },
  );
  if (built.status !== 0) throw new Error("the UI tests' host did not build (see cargo's output above)");
}
