/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

export default defineConfig({
  // svelteTesting only acts under vitest: browser build of Svelte, DOM cleanup per test.
  plugins: [svelte(), svelteTesting()],
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keep every asset a file: the CSP has no data: for scripts or styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // The real commands answer the UI tests: built once, one host per file.
    globalSetup: ["src/test/buildHost.ts"],
    setupFiles: ["src/test/setup.ts"],
    // Each test sets up a real caseload (Argon2 included) and drives the real commands.
    testTimeout: 20_000,
    restoreMocks: true,
  },
});
