// Runs in every test file: its host (see host.ts) stops when the file is done. Nothing
// is imported here, so a file that mocks `@tauri-apps/api/core` (api/index.test.ts)
// still gets its mock: host.ts leaves its stop function on globalThis once started.
import { afterAll } from "vitest";

declare global {
  var waymarkStopHost: (() => Promise<void>) | undefined;
}

afterAll(async () => {
  await globalThis.waymarkStopHost?.();
});
